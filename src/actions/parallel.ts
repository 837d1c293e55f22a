/** @module `parallel`: runs every branch at once; each branch is a sequence of tasks. */
import * as z from 'zod'
import { defineAction } from './define'

export default defineAction({
  type: 'parallel',
  inline: true,
  params: {},
  structure: (tasks) => ({ branches: z.array(tasks).min(1, 'parallel needs at least one branch') }),
  lanes: (task) => Object.fromEntries(task.branches.map((tasks, index) => [String(index), tasks])),
  run: (_params, _context, task) => ({
    kind: 'lanes',
    run: (task.branches as unknown[]).map((_, index) => String(index)),
    skip: [],
  }),
})
