/**
 * @module Checks a flow test case's expectations against what its execution did: each difference
 * names where (the path in the case), what was expected and what happened. Objects are matched as
 * subsets (the keys expected), arrays and the rest exactly; `{"$jsonata": predicate}` stands for a
 * value the predicate accepts.
 */
import { truthy } from '../domain/truthy'
import { compileExpression, evaluate, type ExpressionContext } from '../flow/expression'
import type { Expectations } from './document'
import type { Observation, ObservedRun } from './observation'

export interface Difference {
  /** Where in the case: `expect.tasks.charge`, `mocks.http`… */
  path: string
  message: string
  expected?: unknown
  actual?: unknown
}

/** The key of a value that is a JSONata predicate over `value`. */
export const PREDICATE_KEY = '$jsonata'

/** The last run of each task, by task id. */
export function lastRuns(runs: readonly ObservedRun[]): Map<string, ObservedRun> {
  const last = new Map<string, ObservedRun>()
  for (const run of runs) last.set(run.taskId, run)
  return last
}

/** Every difference between what the case expects and what its execution did (none: it passed). */
export async function checkCase(expect: Expectations, seen: Observation): Promise<Difference[]> {
  const found: Difference[] = []
  for (const { taskId, call } of seen.unmocked) {
    found.push({
      path: 'mocks',
      message: `task ${taskId}: ${call} matches no mock (a flow test never calls the network)`,
    })
  }
  for (const name of seen.undelivered) {
    found.push({ path: 'events', message: `event "${name}" was delivered to no wait task` })
  }
  if (expect.status !== undefined && expect.status !== seen.status) {
    const why = seen.error ? ` (${seen.error.type}: ${seen.error.message})` : ''
    found.push({
      path: 'expect.status',
      message: `status is ${seen.status}${why}`,
      expected: expect.status,
      actual: seen.status,
    })
  }
  const runs = lastRuns(seen.runs)
  const outputs = Object.fromEntries([...runs].map(([taskId, run]) => [taskId, run.output]))
  const context: ExpressionContext = {
    input: null,
    outputs,
    vars: seen.vars,
    execution: { id: '', flowId: null, revision: 0, startedAt: null },
  }
  const match = (path: string, expected: unknown, actual: unknown) => matches(path, expected, actual, context, found)
  if (expect.output !== undefined) await match('expect.output', expect.output, seen.output)
  if (expect.error !== undefined) await match('expect.error', expect.error, seen.error)
  for (const [taskId, status] of Object.entries(expect.tasks ?? {})) {
    const actual = runs.get(taskId)?.status ?? 'not_run'
    if (actual !== status) {
      const error = runs.get(taskId)?.error
      const why = error ? ` (${error.type}: ${error.message})` : ''
      found.push({
        path: `expect.tasks.${taskId}`,
        message: `task ${taskId} is ${actual}${why}`,
        expected: status,
        actual,
      })
    }
  }
  for (const [path, expected] of Object.entries(expect.outputs ?? {})) {
    const [first = '', ...rest] = pathSegments(path)
    const taskId = String(first)
    if (!runs.has(taskId)) {
      found.push({ path: `expect.outputs.${path}`, message: `task ${taskId} has no run`, expected })
      continue
    }
    await match(`expect.outputs.${path}`, expected, valueAt(outputs[taskId], rest))
  }
  if (expect.vars !== undefined) await match('expect.vars', expect.vars, seen.vars)
  if (expect.labels !== undefined) await match('expect.labels', expect.labels, seen.labels)
  for (const [index, text] of (expect.logs ?? []).entries()) {
    if (!seen.logs.some((line) => line.message.includes(text)))
      found.push({ path: `expect.logs.${index}`, message: `no log line holds "${text}"`, expected: text })
  }
  return found
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = []
  for (const part of path.split('.')) {
    const bracket = part.indexOf('[')
    const name = bracket === -1 ? part : part.slice(0, bracket)
    if (name !== '') segments.push(name)
    if (bracket === -1) continue
    for (const index of part.slice(bracket).split('[').slice(1)) segments.push(Number(index.replace(']', '')))
  }
  return segments
}

function valueAt(value: unknown, segments: readonly (string | number)[]): unknown {
  let at = value
  for (const segment of segments) {
    if (at === null || typeof at !== 'object') return undefined
    at = (at as Record<string | number, unknown>)[segment]
  }
  return at
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function predicateOf(value: unknown): string | null {
  if (!isRecord(value)) return null
  const keys = Object.keys(value)
  const text = value[PREDICATE_KEY]
  return keys.length === 1 && typeof text === 'string' ? text : null
}

/** Records where `actual` differs from `expected` (a subset for objects), each at its path. */
async function matches(
  path: string,
  expected: unknown,
  actual: unknown,
  context: ExpressionContext,
  found: Difference[],
): Promise<void> {
  const predicate = predicateOf(expected)
  if (predicate !== null) {
    let accepted: boolean
    try {
      const evaluated = await evaluate(compileExpression(predicate), { ...context, value: actual } as ExpressionContext)
      accepted = truthy(evaluated)
    } catch (error) {
      found.push({ path, message: error instanceof Error ? error.message : String(error), expected, actual })
      return
    }
    if (!accepted) found.push({ path, message: `${predicate} is false for value`, expected, actual })
    return
  }
  if (isRecord(expected) && isRecord(actual)) {
    for (const [key, value] of Object.entries(expected))
      await matches(`${path}.${key}`, value, actual[key], context, found)
    return
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    for (const [index, value] of expected.entries())
      await matches(`${path}[${index}]`, value, actual[index], context, found)
    return
  }
  if (!sameJson(expected, actual)) found.push({ path, message: 'differs', expected, actual: actual ?? null })
}

function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((item, index) => sameJson(item, right[index]))
  if (isRecord(left) && isRecord(right)) {
    const keys = Object.keys(left)
    return keys.length === Object.keys(right).length && keys.every((key) => sameJson(left[key], right[key]))
  }
  return false
}
