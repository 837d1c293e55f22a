import { defineConfig } from 'drizzle-kit'

/** The D1 index; `wrangler d1 migrations apply` reads the SQL files from `migrations/`. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/d1/schema.ts',
  out: './migrations',
})
