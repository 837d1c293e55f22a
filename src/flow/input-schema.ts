/**
 * @module Typed inputs: a flow's `input` is a JSON Schema for the trigger body, checked at PUT and
 * at every start. Validation is @cfworker/json-schema's (built for Workers: no `eval`, no
 * `new Function`). Its `pattern` and `patternProperties` keywords run on RE2, as expressions' regexes
 * do, so that a public webhook's body cannot make a backtracking pattern run for ever; a pattern RE2
 * cannot express is refused at PUT with its path.
 */
import {
  dereference,
  type OutputUnit,
  type Schema,
  type SchemaDraft,
  schemaArrayKeyword,
  schemaKeyword,
  schemaMapKeyword,
  Validator,
} from '@cfworker/json-schema'
import { RE2JS } from 're2js'
import * as z from 'zod'
import type { ExecutionError } from '../domain/errors'
import type { Issue } from './issues'
import { DRAFT_07_META_SCHEMA } from './json-schema-meta'

type Path = (string | number)[]
interface SchemaProblem {
  path: Path
  message: string
}

/** The drafts a schema may name in `$schema` (without one: 2020-12). */
const DRAFTS: Record<string, SchemaDraft> = {
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft-07/schema': '7',
  'http://json-schema.org/draft-04/schema': '4',
}

const draftOf = (schema: Schema | boolean): SchemaDraft | undefined => {
  if (typeof schema === 'boolean' || schema.$schema === undefined) return '2020-12'
  return DRAFTS[
    String(schema.$schema)
      .replace(/#$/, '')
      .replace(/^https:\/\/json-schema\.org\/draft-0/, 'http://json-schema.org/draft-0')
  ]
}

/** Issues at most reported for one body. */
const MAX_ISSUES = 50

/** Keywords whose errors only say that a subschema below had errors, which are reported themselves. */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'allOf',
  'dependentSchemas',
  'dependencies',
  'unevaluatedProperties',
  'unevaluatedItems',
  'if',
  'then',
  'else',
])

/** Keywords whose subschemas are alternatives (or a negation): their failures are not the body's problems. */
const ALTERNATIVES = new Set(['anyOf', 'oneOf', 'not', 'contains'])

/** `#/a/0` → `['a', 0]`: an instance location of the validator as a path. */
function pointerPath(location: string): Path {
  if (location === '#' || location === '') return []
  return location
    .replace(/^#\//, '')
    .split('/')
    .map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part))
}

/** The validator's errors as issues: wrappers dropped, one line per place and problem. */
function issuesOf(errors: OutputUnit[]): SchemaProblem[] {
  const seen = new Set<string>()
  const problems: SchemaProblem[] = []
  // the alternatives of an anyOf / oneOf / not each fail in their own way: the keyword's own error says it
  const alternatives: string[] = []
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue
    if (alternatives.some((location) => error.keywordLocation.startsWith(location))) continue
    if (ALTERNATIVES.has(error.keyword)) alternatives.push(`${error.keywordLocation}/`)
    const message = error.keyword === 'false' ? 'is not allowed here' : error.error
    const path = pointerPath(error.instanceLocation)
    const key = `${path.join('.')}\u0000${message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({ path, message })
    if (problems.length === MAX_ISSUES) break
  }
  return problems
}

/** Calls `visit` on every subschema of `schema` (not on data such as `enum`, `const` or `default`). */
function walkSchema(schema: unknown, path: Path, visit: (schema: Record<string, unknown>, path: Path) => void): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return
  const object = schema as Record<string, unknown>
  visit(object, path)
  for (const [keyword, value] of Object.entries(object)) {
    if (keyword in schemaArrayKeyword && Array.isArray(value))
      value.forEach((each, index) => walkSchema(each, [...path, keyword, index], visit))
    else if (keyword in schemaKeyword) walkSchema(value, [...path, keyword], visit)
    else if (keyword in schemaMapKeyword && value && typeof value === 'object')
      for (const [name, each] of Object.entries(value)) walkSchema(each, [...path, keyword, name], visit)
  }
}

/** Every regular expression of a schema, compiled by RE2, and the problems of those it cannot compile. */
function compilePatterns(schema: unknown): { patterns: Map<string, RE2JS>; problems: SchemaProblem[] } {
  const patterns = new Map<string, RE2JS>()
  const problems: SchemaProblem[] = []
  const compile = (pattern: string, path: Path) => {
    if (patterns.has(pattern)) return
    try {
      patterns.set(pattern, RE2JS.compile(pattern))
    } catch (error) {
      problems.push({
        path,
        message: `pattern /${pattern}/ is not supported (edgeflow runs RE2 syntax, without look-arounds or back-references): ${error instanceof Error ? error.message : String(error)}`,
      })
    }
  }
  walkSchema(schema, [], (each, path) => {
    if (typeof each.pattern === 'string') compile(each.pattern, [...path, 'pattern'])
    const properties = each.patternProperties
    if (properties && typeof properties === 'object')
      for (const pattern of Object.keys(properties)) compile(pattern, [...path, 'patternProperties', pattern])
  })
  return { patterns, problems }
}

/** `$ref`s that point nowhere in the schema (a remote schema is never fetched). */
function unresolvedRefs(copy: Schema | boolean): SchemaProblem[] {
  let lookup: Record<string, unknown>
  try {
    lookup = dereference(copy)
  } catch (error) {
    return [{ path: [], message: error instanceof Error ? error.message : String(error) }]
  }
  const problems: SchemaProblem[] = []
  walkSchema(copy, [], (each, path) => {
    const target = (each as { __absolute_ref__?: string }).__absolute_ref__
    if (target !== undefined && lookup[target] === undefined)
      problems.push({ path: [...path, '$ref'], message: `$ref ${JSON.stringify(each.$ref)} points to no schema here` })
  })
  return problems
}

const metaValidator = new Validator(DRAFT_07_META_SCHEMA as unknown as Schema, '7', false)

/** What is wrong with a JSON Schema, with paths inside it; empty when it can be used. */
export function schemaProblems(schema: Schema | boolean): SchemaProblem[] {
  if (draftOf(schema) === undefined)
    return [{ path: ['$schema'], message: `unknown draft; known: ${Object.keys(DRAFTS).join(', ')}` }]
  const meta = issuesOf(metaValidator.validate(schema).errors)
  if (meta.length > 0) return meta
  return [...compilePatterns(schema).problems, ...unresolvedRefs(structuredClone(schema))]
}

/** A flow's `input`: a JSON Schema (an object or a boolean), checked as such. */
export const InputSchema = z.union([z.boolean(), z.record(z.string(), z.unknown())]).superRefine((schema, ctx) => {
  for (const problem of schemaProblems(schema as Schema | boolean))
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message })
})

const NativeRegExp = globalThis.RegExp

/**
 * Runs `work` with `new RegExp(pattern, 'u')` — the validator's only way to build a regular expression
 * from a schema — answered by RE2. Validation is synchronous, so nothing else runs meanwhile.
 */
function withLinearRegExp<T>(patterns: Map<string, RE2JS>, work: () => T): T {
  function LinearRegExp(pattern: string | RegExp, flags?: string) {
    const re2 = typeof pattern === 'string' && flags === 'u' ? patterns.get(pattern) : undefined
    if (!re2) return new NativeRegExp(pattern, flags)
    return { test: (text: string) => re2.test(text) }
  }
  globalThis.RegExp = LinearRegExp as unknown as RegExpConstructor
  try {
    return work()
  } finally {
    globalThis.RegExp = NativeRegExp
  }
}

/** A flow's input schema, ready to check bodies. */
export class InputValidator {
  private readonly validator: Validator
  private readonly patterns: Map<string, RE2JS>

  constructor(schema: Schema | boolean) {
    const copy = structuredClone(schema)
    this.validator = new Validator(copy, draftOf(schema) ?? '2020-12', false)
    this.patterns = compilePatterns(copy).patterns
  }

  /** The body's problems, with paths from the body's root (`customer.id`, `items.0`); empty when it matches. */
  check(body: unknown): Issue[] {
    const { errors } = withLinearRegExp(this.patterns, () => this.validator.validate(body))
    return issuesOf(errors).map((problem) => ({ path: problem.path.join('.'), message: problem.message }))
  }
}

/** Why an execution whose body its flow's schema refused fails: `validation_error`, with every issue. */
export function invalidInput(issues: Issue[]): ExecutionError {
  const listed = issues.map((issue) => `${issue.path === '' ? '(the body)' : issue.path}: ${issue.message}`)
  return {
    type: 'validation_error',
    message: `the input does not match the flow's input schema: ${listed.join('; ')}`.slice(0, 4096),
    taskId: null,
    taskRunId: null,
    attempt: null,
    issues,
  }
}
