import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { configDefaults, defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** The secrets `npm start` gets once .dev.vars.example is copied to .dev.vars (examples/deliver.json reads them). */
const devVars = Object.fromEntries(
  readFileSync(path.join(import.meta.dirname, '.dev.vars.example'), 'utf8')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
)

/**
 * The tests of pure code, by folder: they run in plain Node, with no workerd to start. A test file
 * in any other folder of test/ runs in workerd (README, Development).
 */
const PURE_FOLDERS = ['core', 'domain', 'flow', 'flowtest', 'schedule', 'shapes', 'client', 'dashboard/core']
const PURE_TESTS = PURE_FOLDERS.map((folder) => `test/${folder}/**`)

/**
 * `npm test` runs the workerd tests by group (test/groups/: a folder's files as one file), so that
 * the per-file setup of a runtime and the Worker's module graph is paid once a group; a file named
 * on the command line (`npx vitest run test/api/flows.test.ts`) runs alone in a runtime of its own.
 */
const GROUPED = process.env.TEST_GROUPS === '1'

/**
 * A folder of workerd tests that no group names (`'../<folder>/` in a file of test/groups/) would
 * be left out of `npm test`: refused at once.
 */
function checkGroups(): void {
  const test = path.join(import.meta.dirname, 'test')
  const groups = readdirSync(path.join(test, 'groups'))
    .map((file) => readFileSync(path.join(test, 'groups', file), 'utf8'))
    .join('\n')
  const missing = readdirSync(test, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !['cli', 'helpers', 'groups', ...PURE_FOLDERS].includes(entry.name))
    .filter((entry) => !groups.includes(`'../${entry.name}/`))
    .map((entry) => `test/${entry.name}/`)
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')}: in no group of test/groups/ (see its files); npm test would skip it`)
  }
}

/**
 * The groups that take longest, first: three runtimes at a time finish together only if the long
 * groups do not start last. Vitest orders by the durations it cached, which a fresh clone (CI) has
 * not, and then by file size, which says nothing of a group's length.
 */
const LONGEST_GROUPS = ['actions', 'api', 'runtime', 'objects', 'top', 'readme']

class LongestGroupsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_GROUPS.findIndex((name) => file.moduleId.endsWith(`/test/groups/${name}.test.ts`))
      return index === -1 ? LONGEST_GROUPS.length : index
    }
    const sorted = await super.sort(files)
    return sorted
      .map((file, index) => ({ file, index, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ file }) => file)
  }
}

export default defineConfig(async () => {
  if (GROUPED) checkGroups()
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  return {
    test: {
      // three runtimes at a time: while one waits on a timer or the index queue, the others run (2 cores)
      maxWorkers: 3,
      sequence: { sequencer: LongestGroupsFirst },
      projects: [
        {
          test: {
            name: 'node',
            include: PURE_TESTS.map((folder) => `${folder}/*.test.ts`),
            environment: 'node',
            isolate: false,
            testTimeout: 20_000,
          },
        },
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                // the index queue as wrangler.toml sets it, with shorter waits so that tests need not wait a second for the list
                queueConsumers: {
                  'edgeflow-index': {
                    maxBatchSize: 100,
                    maxBatchTimeout: 0.05,
                    maxRetries: 10,
                    retryDelay: 0,
                    deadLetterQueue: 'edgeflow-index-dead',
                  },
                  'edgeflow-index-dead': { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 9, retryDelay: 0 },
                  // traces (test/telemetry/): the consumer sets its own retry delays
                  'edgeflow-traces': { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 5 },
                  // queue triggers (test/triggers/): wrangler.toml's example consumer, retried at once
                  'edgeflow-events': {
                    maxBatchSize: 10,
                    maxBatchTimeout: 0.05,
                    maxRetries: 3,
                    retryDelay: 0,
                    deadLetterQueue: 'edgeflow-events-dead',
                  },
                },
                // wrangler.toml's producers, and one for the tests to send to the example consumer's queue
                queueProducers: {
                  INDEX_QUEUE: { queueName: 'edgeflow-index' },
                  OTEL_QUEUE: { queueName: 'edgeflow-traces' },
                  EVENTS_QUEUE: { queueName: 'edgeflow-events' },
                },
                bindings: {
                  ...devVars,
                  MIGRATIONS: migrations,
                  TARGET_URL: inject<string>('targetUrl'),
                  ALLOW_ANONYMOUS_API: 'true',
                  // the open mode answers loopback names and these only: the tests' requests go to http://edgeflow.test
                  ALLOWED_HOSTS: 'edgeflow.test',
                  // a Standard Webhooks key for the signature tests
                  TEST_WEBHOOK_SECRET: `whsec_${Buffer.from('edgeflow-test-signing-key').toString('base64')}`,
                  // a variable that is set but holds no Standard Webhooks key
                  TEST_NOT_A_WEBHOOK_SECRET: 'whsec_not*base64',
                  // secrets flows read as $secret('TEST_KEY') and so on (test/api/secrets.test.ts)
                  FLOW_SECRET_TEST_KEY: 'sk_test_5e1f0a9c3b7d2468',
                  FLOW_SECRET_TEST_PASSWORD: 'pw_9c4e7a1d03b2',
                  // secrets in the forms a URL gives them: every ASCII punctuation, spaces, both cases, beyond ASCII
                  FLOW_SECRET_TEST_URL_PART: 'Pa ss|W0rd!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ Ünï中😀',
                  FLOW_SECRET_TEST_URL_USER: 'Us er;:=|Ünï@p',
                  FLOW_SECRET_TEST_URL_HOST: 'TenantABC42',
                  FLOW_SECRET_TEST_URL_IDN: 'Tenant-ÄBC-42',
                  // set with a stray newline, which a header value loses
                  FLOW_SECRET_TEST_URL_NL: 'nl-secret-2718\n',
                  FLOW_SECRET_TEST_SIGNING: `whsec_${Buffer.from('edgeflow-outgoing-signing-key').toString('base64')}`,
                  // a variable flows must not be able to read
                  HIDDEN_TEST_KEY: 'hidden_2b8f6d4e1a95',
                },
              },
            })),
          ],
          test: {
            name: 'workerd',
            include: GROUPED ? ['test/groups/*.test.ts'] : ['test/**/*.test.ts'],
            // the CLI's unit tests run in Node (node --test): they read files and parse arguments
            exclude: [...configDefaults.exclude, 'test/cli/**', ...PURE_TESTS, ...(GROUPED ? [] : ['test/groups/**'])],
            globalSetup: ['./test/helpers/global-setup.ts'],
            setupFiles: ['./test/helpers/apply-migrations.ts'],
            // a test's own waits bound it (waitFor, listed): this only catches a hang, on a machine busy with other work
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  }
})
