import { group } from '../helpers/group'

// Storage no other file writes to: the index sweep takes every unsettled row of the index, so other
// files' executions would be in its counts, and the README's commands use the ids it shows, which
// must be new. The sweep runs first (files of a group run one after another), so the README's
// executions are not there yet when it counts.
group({
  ...import.meta.glob('../objects/index-sweep.test.ts'),
  ...import.meta.glob('../readme.test.ts'),
})
