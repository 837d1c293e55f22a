import { defineConfig } from 'drizzle-kit'

/** The D1 index; `wrangler d1 migrations apply` reads the SQL files from `migrations/`. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
