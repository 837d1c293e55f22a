/**
 * The request bodies of the README and docs/*.md and the example flows, type-checked against the types
 * openapi-typescript generates at its default settings (src/client/schema.ts), as a user's program
 * would hold them: a body the document types wrongly (a field with a default made required, say)
 * fails to compile here.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { templateOf } from '../test/helpers/path-template.ts'
import { curlRequest, shellCommands } from '../test/helpers/readme.ts'

const run = promisify(execFile)

/** A request body as the README or an example sends it, and the operation it goes to. */
interface Body {
  where: string
  path: string
  method: string
  json: string
}

/** Every JSON body the README's curl commands send to a route whose body the document types. */
async function readmeBodies(root: string, paths: Record<string, Record<string, unknown>>): Promise<Body[]> {
  const documents = [
    'README.md',
    ...(await readdir(path.join(root, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ]
  const files = new Map<string, string>()
  for (const name of await readdir(path.join(root, 'examples')))
    files.set(`examples/${name}`, await readFile(path.join(root, 'examples', name), 'utf8'))
  const bodies: Body[] = []
  for (const document of documents)
    for (const command of shellCommands(await readFile(path.join(root, document), 'utf8'))) {
      if (command.argv[0] !== 'curl') continue
      const request = curlRequest(command.argv, (file) => files.get(file) ?? '')
      if (request.body === null || !request.headers['content-type']?.includes('json')) continue
      const method = request.method.toLowerCase()
      const url = request.url.startsWith('http') ? request.url : `http://${request.url}`
      const template = templateOf(paths, method, new URL(url).pathname)
      if (template)
        bodies.push({ where: `${document} (${command.section})`, path: template, method, json: request.body })
    }
  for (const [file, json] of files)
    if (file.endsWith('.json')) bodies.push({ where: file, path: '/api/flows/{id}', method: 'put', json })
  return bodies
}

/** The problems tsc finds in a program that holds every body as its operation's JSON request body type. */
export async function typedBodies(root: string, types: string, tsc: string): Promise<string[]> {
  const document = JSON.parse(await readFile(path.join(root, 'public/api/openapi.json'), 'utf8'))
  const bodies = await readmeBodies(root, document.paths)
  const typed = bodies.map(
    ({ where, path: template, method, json }, i) =>
      `// ${where}\nexport const body${i}: Json<'${template}', '${method}'> = ${json.trim()}\n`,
  )
  const program = [
    `import type { paths } from ${JSON.stringify(types)}`,
    `type Json<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M] extends { requestBody?: infer B } ? B : never> extends { content: { 'application/json': infer J } } ? J : never`,
    ...typed,
  ].join('\n')
  const directory = await mkdtemp(path.join(tmpdir(), 'edgeflow-bodies-'))
  try {
    const file = path.join(directory, 'bodies.ts')
    await writeFile(file, program)
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'preserve']
    await run(process.execPath, [tsc, ...flags, '--allowImportingTsExtensions', file], { maxBuffer: 16 << 20 })
    return []
  } catch (error) {
    const { stdout = '', message } = error as { stdout?: string; message: string }
    return [
      `${bodies.length} README and example request bodies do not type-check with openapi-typescript's default settings:\n${(stdout || message).slice(0, 4000)}`,
    ]
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
