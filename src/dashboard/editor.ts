/**
 * @module The flow editor's operations (the shell of pages/flow-editor.tsx): check a text with the
 * API's validate route, review it against the latest revision, save it with PUT. Save stores only
 * a text whose diff was shown (its digest came back with the form) and that the check passed.
 */
import { parse } from 'yaml'
import { type Api, problemOf, read } from './api-client'
import { type ApiProblem, defined } from './api-types'
import { editorView, type PlacedIssue, type SourceFormat, sourceOf } from './pages/flow-editor'
import { digest, type View } from './view'

const CONTENT_TYPE: Record<SourceFormat, string> = { yaml: 'application/yaml', json: 'application/json' }

export const formatOf = (value: string | undefined): SourceFormat => (value === 'json' ? 'json' : 'yaml')

/** The editor on the latest revision's definition. */
export async function openEditor(api: Api, id: string, format: SourceFormat): Promise<View | ApiProblem> {
  const flow = await read(api.client.GET('/api/flows/{id}', { params: { path: { id } } }))
  if (!flow.ok) return flow.problem
  const data = defined(flow.data)
  return editorView({
    flow: data,
    format,
    source: sourceOf(data.definition, format),
    issues: null,
    proposed: null,
    reviewed: null,
    problem: null,
  })
}

/** The API's check of `source`: its issues, each at its line. */
async function check(api: Api, id: string, source: string, format: SourceFormat) {
  const response = await api.send('POST', `/api/flows/${encodeURIComponent(id)}/validate`, source, CONTENT_TYPE[format])
  if (!response.ok) return { ok: false as const, problem: await problemOf(response) }
  const answer = (await response.json()) as { valid: boolean; issues: PlacedIssue[] }
  return { ok: true as const, ...answer }
}

/** What a form post does: review the text (the check and the diff), or save a reviewed one. */
export async function submitEditor(
  api: Api,
  id: string,
  form: Record<string, string>,
): Promise<{ saved: number } | View | ApiProblem> {
  const flow = await read(api.client.GET('/api/flows/{id}', { params: { path: { id } } }))
  if (!flow.ok) return flow.problem
  const data = defined(flow.data)
  const format = formatOf(form['format'])
  // a browser posts a text box's lines with CRLF, the script's fetch with LF: one text either way
  const source = (form['source'] ?? '').replace(/\r\n?/g, '\n')
  const checked = await check(api, id, source, format)
  if (!checked.ok) return checked.problem
  const sourceDigest = await digest(`${data.revision}\n${source}`)
  const state = {
    flow: data,
    format,
    source,
    issues: checked.issues,
    proposed: checked.valid ? sourceOf(parse(source), 'yaml') : null,
    reviewed: checked.valid ? sourceDigest : null,
    problem: null,
  }
  // Save: only what was reviewed against the revision that is still the latest, and still valid
  if (form['intent'] !== 'save' || !checked.valid || form['reviewed'] !== sourceDigest) return editorView(state)
  const response = await api.send('PUT', `/api/flows/${encodeURIComponent(id)}`, source, CONTENT_TYPE[format])
  if (!response.ok) return editorView({ ...state, problem: await problemOf(response) })
  const saved = (await response.json()) as { revision: number }
  return { saved: saved.revision }
}
