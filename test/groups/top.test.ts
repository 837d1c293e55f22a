import { group } from '../helpers/group'

// the test files at the top of test/; the README's has a runtime of its own (readme.test.ts)
group(import.meta.glob(['../*.test.ts', '!../readme.test.ts']))
