import { group } from '../helpers/group'

// alone: the sweep takes every unsettled row of the index, so the executions of other files would be in its counts
group(import.meta.glob('../objects/index-sweep.test.ts'))
