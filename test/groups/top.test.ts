import { group } from '../helpers/group'

// the test files at the top of test/ and the dashboard's (dashboard/core/ is pure: it runs in Node,
// vitest.config.ts); the README's has a runtime of its own (readme.test.ts)
group(import.meta.glob(['../*.test.ts', '!../readme.test.ts', '../dashboard/**/*.test.ts', '!../dashboard/core/**']))
