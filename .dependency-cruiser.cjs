/**
 * The layers of src/ and what each may import (docs/architecture.md, Layers, points here): every
 * import — type-only ones too — must match one `allowed` rule, and none may match a `forbidden`
 * one. `npm run boundaries` checks it; `npm test` runs it. A layer is a folder of src/; the root
 * files are layers of their own.
 *
 * Bottom to top: domain ← actions ← flow ← core ← store ← runtime ← objects ← api, with schedule
 * (beside core), shapes (the public views, beside store) and the dashboard (over the client's
 * types). The client and the CLI import nothing of the server.
 */

/** A folder of src/ as a path pattern. */
const layer = (...names) => `^src/(${names.join('|')})/`
/** npm packages by name (a package's own subpaths included). */
const npm = (...names) => `(^|/)node_modules/(${names.join('|')})/`

/** The pure layers: decisions and data, no platform, no storage, no I/O. */
const PURE_NPM = {
  domain: npm('zod', 'iso8601-duration'),
  actions: npm('zod'),
  flow: npm('zod', 'croner', 'jsonata', 're2js', '@cfworker/json-schema'),
  core: npm('zod'),
  schedule: npm('croner'),
}

module.exports = {
  allowed: [
    // each layer imports its own files (the forbidden rules below narrow objects/ and dashboard/)
    { from: { path: '^src/([^/]+)/' }, to: { path: '^src/$1/' } },

    // domain/: types, errors, ids — what every layer shares
    { from: { path: layer('domain') }, to: { path: PURE_NPM.domain } },
    // actions/: one file per task type behind one contract (define.ts)
    { from: { path: layer('actions') }, to: { path: [layer('domain'), PURE_NPM.actions] } },
    // flow/: the flow language and the definition, which is made of the actions' parameters
    { from: { path: layer('flow') }, to: { path: [layer('domain', 'actions'), PURE_NPM.flow] } },
    // core/: the pure state machine; it decides and never acts
    {
      from: { path: layer('core') },
      to: { path: [layer('domain', 'flow'), '^src/actions/define\\.ts$', PURE_NPM.core] },
    },
    // schedule/: the pure cron planning
    { from: { path: layer('schedule') }, to: { path: [layer('domain', 'flow'), PURE_NPM.schedule] } },

    // flowtest/: flow tests' documents, mocks and checks (pure); the runtime's test harness asks it
    { from: { path: layer('flowtest') }, to: { path: [layer('domain', 'actions', 'flow'), npm('zod')] } },

    // store/: the object's SQLite and the D1 index (drizzle), storing the core's state
    {
      from: { path: layer('store') },
      to: { path: [layer('domain', 'flow', 'core'), npm('drizzle-orm', 'zod'), '^drizzle/'] },
    },
    // shapes/: every public response shape and the views built to them (the API, the object, the dashboard)
    {
      from: { path: layer('shapes') },
      to: { path: [layer('domain', 'flow', 'core', 'store'), npm('@hono/zod-openapi', 'zod')] },
    },
    // telemetry/: an ended execution as OTLP spans (pure) and the exporter's settings
    {
      from: { path: layer('telemetry') },
      to: { path: [layer('domain', 'core', 'store'), npm('zod')] },
    },
    // runtime/: the shell that drives the core inside one object; the objects only through their contract
    {
      from: { path: layer('runtime') },
      to: {
        path: [
          layer('domain', 'actions', 'flow', 'core', 'store', 'flowtest'),
          '^src/objects/contract\\.ts$',
          npm('zod'),
        ],
      },
    },
    // objects/: the Durable Objects, their stubs and the index queue's consumer
    {
      from: { path: layer('objects') },
      to: {
        path: [
          layer('domain', 'actions', 'flow', 'core', 'store', 'runtime', 'schedule', 'shapes', 'telemetry', 'flowtest'),
          '^src/(env|round-trips|log)\\.ts$',
          npm('zod', 'drizzle-orm', 'hono', 'postal-mime'),
        ],
      },
    },
    { from: { path: layer('objects') }, to: { dependencyTypes: ['core'], path: '^cloudflare:workers$' } },
    // api/: the Hono routers and their OpenAPI declarations; it mounts the dashboard
    {
      from: { path: layer('api') },
      to: {
        path: [
          layer('domain', 'actions', 'flow', 'core', 'store', 'objects', 'shapes', 'dashboard', 'flowtest'),
          '^src/(env|round-trips|log)\\.ts$',
          npm('hono', '@hono/zod-openapi', 'zod', 'yaml'),
        ],
      },
    },
    // dashboard/: pages and actions over the API's own app, typed by the client's generated schema
    {
      from: { path: layer('dashboard') },
      to: {
        path: [
          layer('domain', 'actions', 'flow', 'core', 'client'),
          '^src/env\\.ts$',
          npm('hono', 'zod', 'yaml', 'openapi-fetch', 'diff'),
        ],
      },
    },
    // client/: the typed client (Workers, Node, browsers): openapi-fetch and its own files
    { from: { path: layer('client') }, to: { path: npm('openapi-fetch') } },
    // cli/: the CLI in Node, on the client
    { from: { path: layer('cli') }, to: { path: layer('client') } },
    { from: { path: layer('cli') }, to: { dependencyTypes: ['core'], pathNot: '^cloudflare:' } },

    // the root files: the bindings, the round-trip counter, the Worker's log lines, the Worker's entry
    { from: { path: '^src/log\\.ts$' }, to: { path: layer('domain') } },
    { from: { path: '^src/env\\.ts$' }, to: { path: layer('domain', 'store', 'telemetry') } },
    { from: { path: '^src/index\\.ts$' }, to: { path: ['^src/', npm('hono')] } },
    { from: { path: '^src/index\\.ts$' }, to: { dependencyTypes: ['core'], path: '^cloudflare:' } },
  ],
  allowedSeverity: 'error',

  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'a cycle of imports that run makes two files one: the import order decides which sees the other half-loaded (a type-only import runs nothing)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'dashboard-core-is-pure',
      comment:
        "the dashboard's core lays out data as SVG: its own files, hono/jsx, jsdiff and the statuses of core/transitions.ts, nothing else",
      severity: 'error',
      from: { path: '^src/dashboard/core/' },
      to: {
        pathNot: [
          '^src/dashboard/core/',
          npm('hono') + 'dist/(types/)?jsx/',
          npm('diff'),
          '^src/domain/',
          '^src/core/transitions\\.ts$',
        ],
      },
    },
    {
      name: 'contract-stands-alone',
      comment: 'objects/contract.ts is what the runtime and the stubs share so that they need not import the objects',
      severity: 'error',
      from: { path: '^src/objects/contract\\.ts$' },
      to: { path: '^src/objects/' },
    },
    {
      name: 'stubs-not-the-object',
      comment: 'the stubs call an object by its contract; the object and the runtime are not theirs to load',
      severity: 'error',
      from: { path: '^src/objects/stubs\\.ts$' },
      to: { path: ['^src/objects/execution-object\\.ts$', '^src/runtime/'] },
    },
    {
      name: 'action-contract',
      comment: 'actions/define.ts, which the core imports, holds only what every action shares',
      severity: 'error',
      from: { path: '^src/actions/define\\.ts$' },
      to: { pathNot: ['^src/domain/', npm('zod')] },
    },
  ],

  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules', '^drizzle/'] },
    preserveSymlinks: true,
    builtInModules: { add: ['cloudflare:workers', 'cloudflare:test', 'cloudflare:sockets'] },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['workerd', 'worker', 'import', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
