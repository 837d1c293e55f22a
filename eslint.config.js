/**
 * The linter (`npm run lint`, part of `npm test`): typescript-eslint's type-aware rules over the
 * code of src/, test/, bench/ and browser/, each file read with the tsconfig that checks it.
 * typescript-eslint needs TypeScript's JS API, which TypeScript 7 (the project's compiler) does
 * not have: it comes from the tools/lint workspace with the TypeScript 5.9 it reads.
 */
import tseslint from './tools/lint/typescript-eslint.js'

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/.wrangler/', 'bench/results/', 'src/client/schema.ts'] },
  {
    files: ['{src,test,bench,browser}/**/*.{ts,tsx}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.node.json', './tsconfig.browser.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // every promise awaited, or handed on on purpose (waitUntil, void with a reason)
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe and it return a promise the runner itself waits for
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // a switch over a union names every member; a default is no excuse for a missing one
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // the Worker's own log lines are JSON through one module (src/log.ts, docs/observability.md); the CLI writes to a terminal
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/log.ts', 'src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // `{ z }` is a re-exported namespace esbuild keeps whole, 60 locales included: `* as z` lets it
    // keep what is used (docs/performance.md, Bundle)
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[importKind='value'][source.value=/^(zod|@hono\\/zod-openapi)$/] > ImportSpecifier[imported.name='z'][importKind='value']",
          message: "import * as z from 'zod': `{ z }` puts every export of zod in the Worker's bundle",
        },
      ],
    },
  },
)
