/** @module `switch`: runs the case whose key equals the value (as text), else `default`. */
import * as z from 'zod'
import { asText, defineAction } from './define'

const DEFAULT_LANE = 'default'

export default defineAction({
  type: 'switch',
  inline: true,
  params: { value: z.unknown() },
  expressions: ['value'],
  structure: (tasks) => ({
    cases: z
      .record(z.string(), tasks)
      .refine((cases) => Object.keys(cases).length > 0, 'switch needs at least one case'),
    default: tasks.optional(),
  }),
  lanes: (task) => ({
    ...Object.fromEntries(Object.entries(task.cases).map(([key, tasks]) => [`case:${key}`, tasks])),
    ...(task.default ? { [DEFAULT_LANE]: task.default } : {}),
  }),
  run({ value }, _context, task) {
    const cases = Object.keys(task.cases as Record<string, unknown>)
    const key = asText(value)
    const lanes = [...cases.map((name) => `case:${name}`), ...(task.default ? [DEFAULT_LANE] : [])]
    const taken = cases.includes(key) ? `case:${key}` : task.default ? DEFAULT_LANE : null
    return { kind: 'lanes', run: taken ? [taken] : [], skip: lanes.filter((lane) => lane !== taken) }
  },
})
