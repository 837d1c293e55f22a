/** @module `foreach`: runs its tasks once per item, `concurrency` iterations at a time. */
import * as z from 'zod'
import { ITERATION_LANE } from '../domain/lanes'
import { defineAction } from './define'

/** Each item becomes at least one task run: beyond this an execution's storage and pages grow unwieldy. */
export const MAX_ITEMS = 100_000

export default defineAction({
  type: 'foreach',
  inline: true,
  params: {
    items: z
      .array(z.unknown(), { error: 'items must evaluate to an array' })
      .max(MAX_ITEMS, `a foreach runs at most ${MAX_ITEMS} items`),
    concurrency: z.int().min(1).max(100).default(1),
  },
  expressions: ['items'],
  structure: (tasks) => ({ tasks }),
  lanes: (task) => ({ [ITERATION_LANE]: task.tasks }),
  run: ({ items, concurrency }) => ({ kind: 'iterate', items, concurrency }),
})
