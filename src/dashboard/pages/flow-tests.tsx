/**
 * @module A flow's stored tests in the dashboard (docs/testing-flows.md, Tests stored with a flow):
 * the section of the flow page that lists them with a Run tests button, and the page of the run —
 * each case passed or failed, with its differences.
 */
import type { ApiProblem, StoredTestsView, TestReportView } from '../api-types'
import { type Api, read } from '../api-client'
import type { View } from '../view'
import { Badge, jsonText, Problem } from './components'

/** The flow page's Tests section: the cases stored with the flow, and the button that runs them. */
export function TestsSection({ flowId, stored }: { flowId: string; stored: StoredTestsView | null }) {
  if (stored === null) return <p class="muted">The flow's tests could not be read.</p>
  if (stored.cases.length === 0)
    return (
      <p class="muted">
        No tests stored with this flow: <code>PUT /api/flows/{flowId}/tests</code> stores a test document's cases.
      </p>
    )
  return (
    <>
      <ul aria-label="Stored test cases">
        {stored.cases.map((each) => (
          <li>{each.name}</li>
        ))}
      </ul>
      <form method="post" action={`/flows/${flowId}/tests`} aria-label="Run the flow's tests">
        <button type="submit" class="primary">
          Run tests
        </button>{' '}
        <span class="muted">
          ({stored.cases.length} case{stored.cases.length === 1 ? '' : 's'} against the latest revision: mocked I/O,
          virtual time, nothing listed)
        </span>
      </form>
    </>
  )
}

type CaseView = TestReportView['cases'][number]

const value = (shown: unknown) => (shown === undefined ? '-' : jsonText(shown, 2_000))

function Differences({ each }: { each: CaseView }) {
  if (each.differences.length === 0) return null
  return (
    <table class="differences">
      <caption class="visually-hidden">What {each.name} expected and what happened</caption>
      <thead>
        <tr>
          <th>Path</th>
          <th>Mismatch</th>
          <th>Expected</th>
          <th>Actual</th>
        </tr>
      </thead>
      <tbody>
        {each.differences.map((difference) => (
          <tr data-path={difference.path}>
            <td class="mono">{difference.path}</td>
            <td>{difference.message}</td>
            <td>
              <pre>{value(difference.expected)}</pre>
            </td>
            <td>
              <pre>{value(difference.actual)}</pre>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** `POST /flows/:id/tests`: runs the stored cases and shows each one's outcome. */
export async function flowTestsRun(api: Api, flowId: string): Promise<View | ApiProblem> {
  const answer = await read(api.client.POST('/api/flows/{id}/tests/run', { params: { path: { id: flowId } } }))
  const back = (
    <p>
      <a href={`/flows/${flowId}#tests`}>Back to flow {flowId}</a>
    </p>
  )
  if (!answer.ok)
    return {
      title: `Tests of ${flowId} refused`,
      section: 'flows',
      live: false,
      regions: {},
      status: answer.problem.status === 404 ? 404 : 400,
      body: (
        <>
          <h1>Tests of flow {flowId}</h1>
          <Problem problem={answer.problem} />
          {back}
        </>
      ),
    }
  const report = answer.data
  const title = `${report.total - report.failed} passed, ${report.failed} failed`
  return {
    title: `Tests of ${flowId}: ${title}`,
    section: 'flows',
    live: false,
    regions: {},
    body: (
      <>
        <h1>Tests of flow {flowId}</h1>
        <p class="result" data-passed={String(report.passed)}>
          {report.passed ? '✔' : '✘'} {title}
        </p>
        {back}
        {report.cases.map((each) => (
          <section class="test-case" data-case={each.name} data-passed={String(each.passed)}>
            <h2>
              {each.passed ? '✔ PASS' : '✘ FAIL'} {each.name}
            </h2>
            <p>
              Execution <Badge status={each.status} /> after {each.virtualMs.toLocaleString('en-US')} ms of virtual
              time; {each.tasks.length} task run{each.tasks.length === 1 ? '' : 's'}, {each.requests.length} http
              request{each.requests.length === 1 ? '' : 's'}.
            </p>
            <Differences each={each} />
          </section>
        ))}
      </>
    ),
  }
}
