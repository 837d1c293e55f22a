import { defineConfig } from 'drizzle-kit'

/** The execution object's SQLite storage before its two-table layout (src/store/execution/layout.ts): the migrations that bring an older object to the last of them, before it is rewritten. */
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './src/store/execution/legacy-schema.ts',
  out: './drizzle/execution',
})
