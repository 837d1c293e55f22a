import { group } from '../helpers/group'

// alone: the suite's longest file runs beside the other groups, not after the rest of actions/
group(import.meta.glob('../actions/foreach-large.test.ts'))
