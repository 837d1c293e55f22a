/**
 * @module The task ids a test document names — in its mocks and expectations — checked against
 * the flow's tasks: a case that mocks or expects a task the flow does not have is a mistake to
 * refuse with its path, not a case that passes for nothing.
 */
import type { Issue } from '../flow/issues'
import type { TestCase } from './document'
import { pathSegments } from './check'

/** Issues for the task ids of `cases` that name no task of the flow (paths under `cases`). */
export function unknownTasks(taskIds: ReadonlySet<string>, cases: readonly TestCase[]): Issue[] {
  const issues: Issue[] = []
  const check = (taskId: string, path: string) => {
    if (!taskIds.has(taskId)) issues.push({ path, message: `the flow has no task ${taskId}` })
  }
  for (const [index, testCase] of cases.entries()) {
    const at = `cases.${index}`
    for (const taskId of Object.keys(testCase.mocks.tasks)) check(taskId, `${at}.mocks.tasks.${taskId}`)
    for (const taskId of Object.keys(testCase.expect.tasks ?? {})) check(taskId, `${at}.expect.tasks.${taskId}`)
    for (const path of Object.keys(testCase.expect.outputs ?? {}))
      check(String(pathSegments(path)[0] ?? ''), `${at}.expect.outputs.${path}`)
  }
  return issues
}
