import { defineConfig } from 'drizzle-kit'

/** The execution object's SQLite storage; migrations are bundled and run in its constructor. */
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './src/store/execution/schema.ts',
  out: './drizzle/execution',
})
