/**
 * @module `/flows/:id/edit`: a flow's definition in a text box (YAML or JSON), checked by the API's
 * `POST /api/flows/:id/validate` (the checks of PUT, each problem at its line: marked in the line
 * numbers beside the text), a diff against the latest revision, then Save as a new revision. It
 * works as plain form posts (Review, then Save); the script (editor.client.ts) reviews as you type.
 */
import { stringify } from 'yaml'
import type { ApiProblem, FlowView } from '../api-types'
import { diffLines } from '../core/diff'
import type { View } from '../view'
import { DiffBlock, Problem } from './components'
import { Region } from './region'

export type SourceFormat = 'yaml' | 'json'

/** A problem the API found, at its line of the text (null: not placed). */
export interface PlacedIssue {
  path: string
  message: string
  line: number | null
  column: number | null
}

/** What the editor shows: the text, what the check found, and the review of a valid text. */
export interface EditorState {
  flow: FlowView
  format: SourceFormat
  source: string
  /** Null before the first check. */
  issues: PlacedIssue[] | null
  /** The definition the text makes, as YAML, when it is valid. */
  proposed: string | null
  /** The digest of the reviewed text: Save stores only the text whose diff was shown. */
  reviewed: string | null
  /** Why the last Save was refused. */
  problem: ApiProblem | null
}

/** A definition as the editor shows it. */
export const sourceOf = (definition: unknown, format: SourceFormat) =>
  format === 'json' ? JSON.stringify(definition, null, 2) : stringify(definition, { lineWidth: 0 })

const lineCount = (text: string) => text.split('\n').length

/** The line numbers beside the text; a line with a problem is marked and says it on hover. */
function Gutter({ lines, issues }: { lines: number; issues: PlacedIssue[] }) {
  const at = new Map<number, string>()
  for (const issue of issues) {
    if (issue.line !== null) at.set(issue.line, [at.get(issue.line), issue.message].filter(Boolean).join('; '))
  }
  return (
    <ol class="gutter" aria-hidden="true" data-gutter>
      {Array.from({ length: lines }, (_, index) => {
        const problem = at.get(index + 1)
        return problem ? (
          <li class="bad" title={problem}>
            {index + 1}
          </li>
        ) : (
          <li>{index + 1}</li>
        )
      })}
    </ol>
  )
}

function Issues({ issues }: { issues: PlacedIssue[] | null }) {
  if (issues === null) return <p class="muted">Not checked yet: Review checks it.</p>
  if (issues.length === 0) return <p class="check-ok">✔ Valid: the checks of PUT pass.</p>
  return (
    <div class="problem" role="alert">
      <strong>✘ {issues.length === 1 ? '1 problem' : `${issues.length} problems`}</strong>
      <ul class="issues">
        {issues.map((issue) => (
          <li data-issue-line={issue.line ?? undefined}>
            {issue.line === null
              ? ''
              : `line ${issue.line}${issue.column === null ? '' : `, column ${issue.column}`}: `}
            {issue.path ? <code>{issue.path}</code> : null}
            {issue.path ? ': ' : null}
            {issue.message}
          </li>
        ))}
      </ul>
    </div>
  )
}

function Review({ state }: { state: EditorState }) {
  if (state.proposed === null || state.reviewed === null)
    return <p class="muted">The diff shows once the text is valid.</p>
  const lines = diffLines(sourceOf(state.flow.definition, 'yaml'), state.proposed)
  const changed = lines.filter((line) => line.kind !== 'same').length
  if (changed === 0) return <p class="muted">No change against revision {state.flow.revision}: nothing to save.</p>
  return (
    <>
      <p>
        Against revision {state.flow.revision}: {changed} changed line(s) (− removed, + added), as it will be stored.
      </p>
      <DiffBlock lines={lines} label={`diff against revision ${state.flow.revision}`} />
      <input type="hidden" name="reviewed" value={state.reviewed} />
      <button type="submit" name="intent" value="save" class="primary">
        Save as revision {state.flow.revision + 1}
      </button>
    </>
  )
}

export function editorView(state: EditorState): View {
  const { flow } = state
  const regions = {
    check: <Issues issues={state.issues} />,
    review: <Review state={state} />,
  }
  const other: SourceFormat = state.format === 'yaml' ? 'json' : 'yaml'
  const body = (
    <>
      <h1>Edit flow {flow.id}</h1>
      <p>
        Latest revision {flow.revision}. Saving stores a new revision; executions already started keep theirs.{' '}
        <a href={`/flows/${flow.id}/edit?format=${other}`}>Edit as {other.toUpperCase()}</a> ·{' '}
        <a href={`/flows/${flow.id}`}>Back to the flow</a>
      </p>
      {state.problem ? <Problem problem={state.problem} /> : null}
      <form
        method="post"
        action={`/flows/${flow.id}/edit`}
        class="editor-form"
        data-editor-form
        aria-label="Edit the flow"
      >
        <input type="hidden" name="format" value={state.format} />
        <div class="editor">
          <Gutter lines={lineCount(state.source)} issues={state.issues ?? []} />
          <textarea
            name="source"
            data-editor
            aria-label={`definition as ${state.format.toUpperCase()}`}
            spellcheck={false}
            wrap="off"
            rows={lineCount(state.source) + 1}
          >
            {state.source}
          </textarea>
        </div>
        <div class="editor-bar">
          <button type="submit" name="intent" value="review">
            Review
          </button>
          <span class="muted">checks the text and shows the diff; the script does it as you type</span>
        </div>
        <h2 id="check">Check</h2>
        <Region name="check">{regions.check}</Region>
        <h2 id="review">Diff and save</h2>
        <Region name="review">{regions.review}</Region>
      </form>
    </>
  )
  return {
    title: `Edit flow ${flow.id}`,
    section: 'flows',
    live: false,
    regions,
    body,
    ...(state.issues?.length || state.problem ? { status: 400 as const } : {}),
  }
}
