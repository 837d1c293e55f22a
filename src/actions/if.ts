/** @module `if`: runs `then` when the condition is truthy, else `else`; the other branch is skipped. */
import { z } from 'zod'
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

/** JSONata's boolean cast: empty strings, arrays and objects, 0 and null are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy)
  if (value && typeof value === 'object') return Object.keys(value).length > 0
  return Boolean(value)
}
