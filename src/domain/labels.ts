/**
 * @module Labels: `key: value` texts an execution carries — set by its flow's `labels` when it
 * starts and by `label` tasks as it runs — shown with it and indexed in D1 to filter lists by
 * (README, Labels). Bounded so that a summary stays small and a filter stays an index lookup.
 */
import * as z from 'zod'

/** Labels an execution may carry at most. */
export const MAX_LABELS = 20
/** The longest key, in bytes of UTF-8. */
export const MAX_LABEL_KEY_BYTES = 64
/** The longest value, in bytes of UTF-8. */
export const MAX_LABEL_VALUE_BYTES = 256

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text).byteLength

/** No `:` in a key: a filter `key:value` splits at its first one. */
export const LabelKey = z
  .string()
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'a label key is letters, digits, "_", ".", "-" and "/"')
  .refine((key) => bytes(key) <= MAX_LABEL_KEY_BYTES, `a label key is ${MAX_LABEL_KEY_BYTES} bytes at most`)

/** A value as written or computed: a number or a boolean is kept as its text. */
export const LabelValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .refine((value) => bytes(value) <= MAX_LABEL_VALUE_BYTES, `a label value is ${MAX_LABEL_VALUE_BYTES} bytes at most`)

export type Labels = Record<string, string>

const atMost = (labels: object) => Object.keys(labels).length <= MAX_LABELS
export const TOO_MANY_LABELS = `an execution carries ${MAX_LABELS} labels at most`

/** A record of labels, at most `MAX_LABELS` of them. */
export const LabelRecord = z.record(LabelKey, LabelValue).refine(atMost, TOO_MANY_LABELS)

/** The labels an execution has after `added` are set on top of `labels`, or null when they would be too many. */
export function mergeLabels(labels: Labels, added: Labels): Labels | null {
  const merged = { ...labels, ...added }
  return atMost(merged) ? merged : null
}

/** A filter of a list: `key:value` (the value may hold `:`). */
export const LabelFilter = z.string().transform((text, ctx) => {
  const at = text.indexOf(':')
  const key = LabelKey.safeParse(at < 0 ? '' : text.slice(0, at))
  const value = LabelValue.safeParse(text.slice(at + 1))
  if (at < 0 || !key.success || !value.success) {
    ctx.addIssue({ code: 'custom', message: `a label filter is key:value (got ${JSON.stringify(text)})` })
    return z.NEVER
  }
  return { key: key.data, value: value.data }
})
export type LabelFilter = z.output<typeof LabelFilter>
