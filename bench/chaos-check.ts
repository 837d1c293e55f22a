/**
 * The chaos run's checks (pure): the calls the target saw against the attempts each execution
 * recorded, the task runs of each execution, and the D1 index against the objects.
 */
import type { Call } from './target.ts'

export interface Attempt {
  number: number
  status: string
  startedAt: string
  endedAt: string | null
  error: { type: string; message: string } | null
}

export interface TaskRun {
  id: number
  taskId: string
  type: string
  status: string
  parentTaskRunId: number | null
  branch: string | null
  iteration: number | null
  attempts: Attempt[]
  childExecutionId: string | null
}

/** `GET /api/executions/:id`, the part the checks read. */
export interface Detail {
  id: string
  flowId: string
  status: string
  endedAt: string | null
  parentExecutionId: string | null
  taskRuns: TaskRun[]
}

export const FINAL = new Set(['completed', 'warning', 'failed', 'killed'])

/** An attempt closed by a restart: what became of its call is unknown to the engine. */
const interrupted = (attempt: Attempt) =>
  attempt.error?.type === 'internal' && attempt.error.message.includes('was interrupted')

export interface CallCheck {
  /** Calls that carried the Idempotency-Key of one of these executions' task runs. */
  calls: number
  /** Calls whose key names no task run of these executions, or that came before its first attempt. */
  unattributed: number
  /** Calls that reached the target after their task run's completion was recorded. */
  repeatedAfterRecorded: { key: string; at: number; recordedAt: number }[]
  /** Calls the target answered while their attempt was interrupted by a crash: the answer was lost. */
  answersLost: Call[]
  /**
   * Successful calls whose attempt did not complete, followed by another call for the same task
   * run: side effects delivered twice, by how their attempt ended (`interrupted` by a crash,
   * `timeout`, or anything else — which would be a defect).
   */
  deliveredTwice: Record<string, number>
  /** How the http attempts ended: their status, or their error type (`interrupted` by a crash). */
  attempts: Record<string, number>
  /** Attempts of any task closed as interrupted by a restart. */
  interruptedAttempts: number
  /** The task runs with lost answers: their calls and attempts, to look at. */
  runsWithLostAnswers: { key: string; calls: Call[]; attempts: Attempt[] }[]
}

const outcome = (attempt: Attempt) => (interrupted(attempt) ? 'interrupted' : (attempt.error?.type ?? attempt.status))

const add = (counts: Record<string, number>, key: string, count = 1) => (counts[key] = (counts[key] ?? 0) + count)

/**
 * Matches every call to the attempt it belongs to — the last one started before the call reached
 * the target (attempts of a run never overlap; both clocks are this machine's) — and checks them.
 */
export function checkCalls(details: readonly Detail[], calls: readonly Call[]): CallCheck {
  const runs = new Map<string, TaskRun>()
  let interruptedAttempts = 0
  for (const detail of details) {
    for (const run of detail.taskRuns) {
      interruptedAttempts += run.attempts.filter(interrupted).length
      if (run.type === 'http') runs.set(`${detail.id}:${run.id}`, run)
    }
  }
  const byKey = new Map<string, Call[]>()
  for (const call of calls) {
    if (call.idempotencyKey === null) continue
    byKey.set(call.idempotencyKey, [...(byKey.get(call.idempotencyKey) ?? []), call])
  }
  const check: CallCheck = {
    calls: 0,
    unattributed: 0,
    repeatedAfterRecorded: [],
    answersLost: [],
    deliveredTwice: {},
    attempts: {},
    interruptedAttempts,
    runsWithLostAnswers: [],
  }
  for (const run of runs.values()) for (const attempt of run.attempts) add(check.attempts, outcome(attempt))
  for (const [key, list] of byKey) {
    const run = runs.get(key)
    if (!run) {
      check.unattributed += list.length
      continue
    }
    const completed = run.attempts.find((attempt) => attempt.status === 'completed')
    const recordedAt = completed?.endedAt ? Date.parse(completed.endedAt) : null
    const ordered = [...list].sort((a, b) => a.at - b.at)
    let lost = false
    for (const [index, call] of ordered.entries()) {
      const attempt = run.attempts.findLast((each) => Date.parse(each.startedAt) <= call.at)
      if (!attempt) {
        check.unattributed += 1
        continue
      }
      check.calls += 1
      if (recordedAt !== null && call.at > recordedAt)
        check.repeatedAfterRecorded.push({ key, at: call.at, recordedAt })
      if (call.answeredAt === null) continue
      if (interrupted(attempt)) {
        check.answersLost.push(call)
        lost = true
      }
      const succeeded = call.status !== null && call.status >= 200 && call.status < 300
      if (succeeded && attempt.status !== 'completed' && index < ordered.length - 1)
        add(check.deliveredTwice, outcome(attempt))
    }
    if (lost) check.runsWithLostAnswers.push({ key, calls: list, attempts: run.attempts })
  }
  return check
}

/**
 * Task runs recorded twice: two runs for the same place in the flow (task, parent, branch,
 * iteration), or a run with more than one completed attempt.
 */
export function duplicateRuns(details: readonly Detail[]): string[] {
  const found: string[] = []
  for (const detail of details) {
    const seen = new Set<string>()
    for (const run of detail.taskRuns) {
      const place = `${run.taskId}/${run.parentTaskRunId}/${run.branch}/${run.iteration}`
      if (seen.has(place)) found.push(`${detail.id} ${place}`)
      seen.add(place)
      if (run.attempts.filter((attempt) => attempt.status === 'completed').length > 1)
        found.push(`${detail.id} run ${run.id} completed twice`)
    }
  }
  return found
}

/** Executions whose D1 status is not their object's (or that one side does not have). */
export function indexMismatches(
  index: ReadonlyMap<string, string>,
  objects: ReadonlyMap<string, Detail | null>,
): { id: string; index: string | null; object: string | null }[] {
  const mismatches: { id: string; index: string | null; object: string | null }[] = []
  for (const id of new Set([...index.keys(), ...objects.keys()])) {
    const listed = index.get(id) ?? null
    const object = objects.get(id)?.status ?? null
    if (listed !== object) mismatches.push({ id, index: listed, object })
  }
  return mismatches
}
