/** @module `flows push`: which files of a folder are flows, and what a PUT of each did (pure). */
import type { SourceFormat } from '../client/index.ts'

export interface FlowFile {
  /** The file name; the flow id is the name without its extension. */
  file: string
  flowId: string
  format: SourceFormat
}

const FORMATS: Record<string, SourceFormat> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' }

/**
 * The rule of flow ids (src/flow/ids.ts; the CLI imports no server code, and
 * test/client/cli-flow-ids.test.ts holds the two to the same verdicts).
 */
export const isFlowId = (name: string) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)

/**
 * The flow files among a folder's entries, by name: `<flow id>.json`, `.yaml` or `.yml`, and the
 * other JSON and YAML files, `skipped` since their name is no flow id (`orders-fixed.json`, a
 * revision kept beside its flow). Two files naming one flow (`greet.json` and `greet.yaml`) are
 * refused: which one wins would be an accident.
 */
export function flowFiles(
  names: string[],
): { ok: true; files: FlowFile[]; skipped: string[] } | { ok: false; message: string } {
  const candidates = names
    // hidden files (editor swap files, .prettierrc.json…) are not flows
    .filter((file) => !file.startsWith('.'))
    .map((file) => {
      const dot = file.lastIndexOf('.')
      const format = dot > 0 ? FORMATS[file.slice(dot).toLowerCase()] : undefined
      return format ? { file, flowId: file.slice(0, dot), format } : null
    })
    .filter((file) => file !== null)
    .sort((a, b) => a.file.localeCompare(b.file))
  const files = candidates.filter((file) => isFlowId(file.flowId))
  const twice = files.find((file, index) => files.findIndex((other) => other.flowId === file.flowId) !== index)
  if (twice) return { ok: false, message: `two files name flow ${twice.flowId}: keep one` }
  const skipped = candidates.filter((file) => !isFlowId(file.flowId)).map((file) => file.file)
  return { ok: true, files, skipped }
}

export type PushResult = 'created' | 'updated' | 'unchanged'

/** What a PUT did: a new flow (201), a new revision, or nothing (identical content keeps its revision). */
export const pushResult = (answer: { created: boolean; changed: boolean }): PushResult =>
  answer.created ? 'created' : answer.changed ? 'updated' : 'unchanged'
