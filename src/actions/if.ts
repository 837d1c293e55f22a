/** @module `if`: runs `then` when the condition is truthy, else `else`; the other branch is skipped. */
import * as z from 'zod'
import { truthy } from '../domain/truthy'
import { defineAction, type TaskShape } from './define'

const present = (task: TaskShape, lane: string) => Array.isArray(task[lane])

export default defineAction({
  type: 'if',
  inline: true,
  params: { condition: z.unknown() },
  expressions: ['condition'],
  structure: (tasks) => ({ then: tasks, else: tasks.optional() }),
  lanes: (task) => ({ then: task.then, ...(task.else ? { else: task.else } : {}) }),
  run({ condition }, _context, task) {
    const [taken, other] = truthy(condition) ? ['then', 'else'] : ['else', 'then']
    return {
      kind: 'lanes',
      run: present(task, taken) ? [taken] : [],
      skip: present(task, other) ? [other] : [],
    }
  },
})
