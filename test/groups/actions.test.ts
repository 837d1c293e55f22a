import { group } from '../helpers/group'

// foreach-large.test.ts, the longest file, is a group of its own (test/groups/foreach-large.test.ts)
group(import.meta.glob(['../actions/**/*.test.ts', '!../actions/foreach-large.test.ts']))
