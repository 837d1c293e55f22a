/**
 * Loaded before dependency-cruiser and ESLint (`node --import ./tools/lint/typescript-5.ts …`, the
 * `boundaries` and `lint` scripts): every `typescript` they load is this workspace's TypeScript 5.9.
 * Both read TypeScript through its JS API, which TypeScript 7.0 (the project's compiler) does not
 * have, and npm installs some of their parts beside that TypeScript 7 (dependency-cruiser, and
 * ts-api-utils, whose peer range 7 satisfies). Once a TypeScript 7 with a JS API they support is the
 * project's, this file can go.
 */
import { createRequire, registerHooks } from 'node:module'
import { pathToFileURL } from 'node:url'

const here = createRequire(import.meta.url)
const typescript = new Map(
  ['typescript', 'typescript/package.json'].map((name) => [name, pathToFileURL(here.resolve(name)).href]),
)

registerHooks({
  resolve: (specifier, context, nextResolve) => {
    const url = typescript.get(specifier)
    return url === undefined ? nextResolve(specifier, context) : { url, shortCircuit: true }
  },
})
