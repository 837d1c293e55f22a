import { group } from '../helpers/group'

// folders of short files share a runtime: each runtime costs seconds of CPU to start (CONTRIBUTING.md, Tests)
group(
  import.meta.glob([
    '../runtime/**/*.test.ts',
    '../store/**/*.test.ts',
    '../telemetry/**/*.test.ts',
    '../triggers/**/*.test.ts',
  ]),
)
