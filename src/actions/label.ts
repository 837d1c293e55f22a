/** @module `label`: adds labels to the execution, or changes their values (README, Labels). */
import { LabelRecord } from '../domain/labels'
import { completed, defineAction } from './define'

export default defineAction({
  type: 'label',
  inline: true,
  // how many labels the execution would then carry is checked where they are merged (runtime/bounds.ts)
  params: { labels: LabelRecord },
  run: ({ labels }) => completed(labels, { labels }),
})
