/**
 * Runs dependency-cruiser (the layer rules of .dependency-cruiser.cjs) with this workspace's
 * TypeScript 5.9. dependency-cruiser reads TypeScript through its JS API, which TypeScript 7.0 (the
 * project's compiler) does not have, and npm installs dependency-cruiser beside that TypeScript 7:
 * this hook hands it the 5.9 instead. Once TypeScript ≥ 7.1 is the project's, dependency-cruiser
 * uses its native API and this file can go (`depcruise src` alone).
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

await import(new URL('../../bin/dependency-cruiser.mjs', import.meta.resolve('dependency-cruiser')).href)
