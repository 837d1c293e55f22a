import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            MIGRATIONS: migrations,
            TARGET_URL: inject<string>('targetUrl'),
            ALLOW_ANONYMOUS_API: 'true',
            // a Standard Webhooks key for the signature tests
            TEST_WEBHOOK_SECRET: `whsec_${Buffer.from('edgeflow-test-signing-key').toString('base64')}`,
            // a variable that is set but holds no Standard Webhooks key
            TEST_NOT_A_WEBHOOK_SECRET: 'whsec_not*base64',
          },
        },
      })),
    ],
    test: {
      globalSetup: ['./test/helpers/global-setup.ts'],
      setupFiles: ['./test/helpers/apply-migrations.ts'],
      testTimeout: 20_000,
    },
  }
})
