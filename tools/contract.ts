/**
 * The API contract checked by tools this project did not write (`npm run contract`, part of
 * `npm test`), on public/api/openapi.json — which test/api/openapi.test.ts holds equal to what the Worker
 * serves:
 * - `@redocly/cli lint` with redocly.yaml: no error;
 * - `@apidevtools/swagger-parser`: the document validates and dereferences;
 * - `openapi-typescript` at its default settings: the types it generates are the committed
 *   src/client/schema.ts (`npm run openapi:types` writes them), and the README's request bodies and
 *   the example flows type-check against them (tools/typed-bodies.ts).
 */
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import SwaggerParser from '@apidevtools/swagger-parser'
import { format, resolveConfig } from 'prettier'
import { typedBodies } from './typed-bodies.ts'

const root = path.join(import.meta.dirname, '..')
const DOCUMENT = path.join(root, 'public/api/openapi.json')
const TYPES = path.join(root, 'src/client/schema.ts')
/** openapi-typescript lives in its own workspace: it needs TypeScript 5, the project uses 7. */
const OPENAPI_TYPESCRIPT = path.join(root, 'tools/openapi-typescript/node_modules/openapi-typescript/bin/cli.js')
/** The TypeScript that openapi-typescript's users compile with (5; the project's own is 7). */
const TSC = path.join(root, 'tools/openapi-typescript/node_modules/typescript/bin/tsc')
const REDOCLY = path.join(root, 'node_modules/@redocly/cli/bin/cli.js')

const run = promisify(execFile)

async function lint(): Promise<string[]> {
  try {
    await run(process.execPath, [REDOCLY, 'lint', DOCUMENT, '--format=stylish'], { cwd: root })
    return []
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string }
    return [`redocly lint failed:\n${stdout}${stderr}`]
  }
}

async function parse(): Promise<string[]> {
  try {
    await SwaggerParser.validate(DOCUMENT)
    await SwaggerParser.dereference(DOCUMENT)
    return []
  } catch (error) {
    return [`swagger-parser: ${(error as Error).message}`]
  }
}

/** The types openapi-typescript generates, formatted as the repository formats code. */
async function generatedTypes(): Promise<string> {
  // its default settings, as a user runs it: the document must type requests and answers well for them
  const { stdout } = await run(process.execPath, [OPENAPI_TYPESCRIPT, DOCUMENT], {
    cwd: root,
    maxBuffer: 16 << 20,
  })
  const header =
    '// Generated from public/api/openapi.json by openapi-typescript (`npm run openapi:types`): do not edit.\n'
  return format(header + stdout, { ...(await resolveConfig(TYPES)), filepath: TYPES })
}

async function types(write: boolean): Promise<string[]> {
  const generated = await generatedTypes()
  if (write) {
    await writeFile(TYPES, generated)
    return []
  }
  const committed = await readFile(TYPES, 'utf8').catch(() => '')
  return committed === generated
    ? []
    : [
        'src/client/schema.ts is not what openapi-typescript generates from public/api/openapi.json: run npm run openapi:types',
      ]
}

const started = performance.now()
const generated = await types(process.argv.includes('--write-types'))
const problems = (
  await Promise.all([lint(), parse(), generated.length > 0 ? generated : typedBodies(root, TYPES, TSC)])
).flat()
for (const problem of problems) console.error(problem)
console.log(
  `contract: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`} (redocly lint, swagger-parser, openapi-typescript and the README's bodies) in ${Math.round(performance.now() - started)} ms`,
)
process.exitCode = problems.length === 0 ? 0 : 1
