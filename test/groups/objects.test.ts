import { group } from '../helpers/group'

// the index sweep has a runtime of its own (index-sweep.test.ts)
group(import.meta.glob(['../objects/**/*.test.ts', '!../objects/index-sweep.test.ts']))
