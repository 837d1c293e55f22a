/**
 * @module The Execute form a flow's `input` JSON Schema makes (pure): one field per property of an
 * object schema, typed (text, number, whole number, yes/no, one of a list, or JSON), required where
 * the schema says; and the request body the posted fields make back, each value typed as its
 * property. The API checks the body against the schema itself (400 with the path of a bad field).
 */

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'choice' | 'json'

export interface InputField {
  name: string
  kind: FieldKind
  required: boolean
  description: string | null
  /** The values of a `choice`. */
  choices: string[]
  /** The value the field starts with ('' for none). */
  initial: string
}

/** The posted name of a property's field. */
export const fieldName = (property: string) => `input.${property}`

const recordOf = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null

function kindOf(property: Record<string, unknown>): FieldKind {
  const choices = property['enum']
  if (Array.isArray(choices) && choices.length > 0 && choices.every((choice) => typeof choice === 'string'))
    return 'choice'
  const type = property['type']
  return type === 'string' || type === 'number' || type === 'integer' || type === 'boolean'
    ? type === 'string'
      ? 'text'
      : type
    : 'json'
}

function fieldOf(name: string, property: Record<string, unknown>, required: boolean): InputField {
  const kind = kindOf(property)
  const given = property['default']
  const initial =
    given === undefined
      ? ''
      : kind === 'json'
        ? JSON.stringify(given, null, 2)
        : typeof given === 'string'
          ? given
          : JSON.stringify(given)
  const description = property['description'] ?? property['title']
  return {
    name,
    kind,
    required,
    description: typeof description === 'string' ? description : null,
    choices: kind === 'choice' ? (property['enum'] as string[]) : [],
    initial,
  }
}

/** The fields of an object schema with properties; null for any other schema (the form takes JSON then). */
export function inputFields(schema: unknown): InputField[] | null {
  const root = recordOf(schema)
  const properties = recordOf(root?.['properties'])
  if (!root || !properties || (root['type'] !== undefined && root['type'] !== 'object')) return null
  const required = Array.isArray(root['required']) ? root['required'].map(String) : []
  return Object.entries(properties).map(([name, property]) =>
    fieldOf(name, recordOf(property) ?? {}, required.includes(name)),
  )
}

export type BodyResult =
  { ok: true; body: Record<string, unknown> } | { ok: false; issues: { path: string; message: string }[] }

/** One posted value as its field's type; undefined leaves the property out. */
function valueOf(field: InputField, raw: string | undefined): { value?: unknown; problem?: string } {
  switch (field.kind) {
    case 'boolean':
      // an unchecked box is not posted: false
      return { value: raw === 'true' }
    case 'text':
    case 'choice':
      return raw === undefined || (raw === '' && !field.required) ? {} : { value: raw }
    case 'number':
    case 'integer': {
      if (raw === undefined || raw.trim() === '') return {}
      const value = Number(raw)
      if (!Number.isFinite(value)) return { problem: `${JSON.stringify(raw)} is not a number` }
      if (field.kind === 'integer' && !Number.isInteger(value)) return { problem: `${raw} is not a whole number` }
      return { value }
    }
    case 'json': {
      if (raw === undefined || raw.trim() === '') return {}
      try {
        return { value: JSON.parse(raw) as unknown }
      } catch (error) {
        return { problem: `not JSON: ${(error as Error).message}` }
      }
    }
  }
}

/** The request body the posted `form` makes for `fields`, or the fields it could not read. */
export function bodyOf(fields: readonly InputField[], form: Record<string, string>): BodyResult {
  const body: Record<string, unknown> = {}
  const issues: { path: string; message: string }[] = []
  for (const field of fields) {
    const { value, problem } = valueOf(field, form[fieldName(field.name)])
    if (problem) issues.push({ path: field.name, message: problem })
    else if (value !== undefined) body[field.name] = value
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, body }
}
