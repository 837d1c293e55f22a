/**
 * @module The labels an execution starts with (README, Labels): its flow's `labels` evaluated over
 * the input when it is created, secrets masked, and, for a replay, those its reused `label` runs set.
 * A label whose template yields nothing (null, a field the body lacks) is left out; one that fails or
 * yields a value out of bounds fails the execution at once with a `validation_error` naming it.
 */
import type { RunState } from '../core/state'
import type { ExecutionError, ExecutionInput } from '../domain/types'
import { LabelValue, type Labels, mergeLabels, TOO_MANY_LABELS } from '../domain/labels'
import { toTaskError } from '../domain/errors'
import type { CompiledFlow } from '../flow/compile'
import { evaluate } from '../flow/expression'
import type { Issue } from '../flow/issues'
import type { Secrets } from './secrets'

export type StartLabels = { ok: true; labels: Labels } | { ok: false; error: ExecutionError }

export async function startLabels(
  flow: CompiledFlow,
  input: ExecutionInput,
  execution: { id: string; flowId: string | null; revision: number },
  secrets: Secrets,
  reused: readonly RunState[],
): Promise<StartLabels> {
  const issues: Issue[] = []
  const labels: Labels = {}
  if (flow.labels) {
    let values: unknown
    try {
      const context = { input, outputs: {}, vars: {}, execution: { ...execution, startedAt: null }, secrets }
      values = await evaluate(flow.labels, context)
    } catch (error) {
      issues.push({ path: 'labels', message: toTaskError(error).message })
    }
    for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if (value === null || value === undefined) continue
      const parsed = LabelValue.safeParse(value)
      if (parsed.success) labels[key] = parsed.data
      else issues.push({ path: `labels.${key}`, message: parsed.error.issues[0]?.message ?? 'invalid label value' })
    }
  }
  let all: Labels | null = secrets.mask(labels)
  for (const run of reused) {
    if (run.type === 'label' && run.status === 'completed' && all) all = mergeLabels(all, run.output as Labels)
  }
  if (!all) issues.push({ path: 'labels', message: TOO_MANY_LABELS })
  if (issues.length > 0 || !all) return { ok: false, error: labelsRefused(issues) }
  return { ok: true, labels: all }
}

function labelsRefused(issues: Issue[]): ExecutionError {
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`)
  return {
    type: 'validation_error',
    message: `the execution's labels could not be set: ${listed.join('; ')}`.slice(0, 4096),
    taskId: null,
    taskRunId: null,
    attempt: null,
    issues,
  }
}
