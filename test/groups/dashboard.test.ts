import { group } from '../helpers/group'

// dashboard/core/ is pure: it runs in Node (vitest.config.ts)
group(import.meta.glob(['../dashboard/**/*.test.ts', '!../dashboard/core/**']))
