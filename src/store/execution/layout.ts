/**
 * @module The execution object's storage layout. Cloudflare bills an object by its pages
 * (`databaseSize`), and each b-tree takes a page of its own however few rows it holds; so a new
 * object creates two tables — the keyed table (the execution's state, its source, its timers, the
 * layout's version, the wake ledger, and its log lines, which every execution writes) and its task
 * runs — and the tables few executions need (kept events, foreach items) are created by their
 * first write. The layout's version
 * is a row of the keyed table; an object of the layout before it is rewritten when it loads
 * (legacy.ts). docs/performance.md, Storage per execution.
 */

import { KEY } from './schema'

/** The version of this layout, kept under `KEY.layout`. */
export const LAYOUT_VERSION = 1

/** The keyed table: an integer key is SQLite's rowid, so the table is its only b-tree. */
const KEYED = 'CREATE TABLE execution (key INTEGER PRIMARY KEY, value TEXT NOT NULL)'

const TASK_RUNS = `CREATE TABLE task_runs (
  id integer PRIMARY KEY NOT NULL, task_id text NOT NULL, type text NOT NULL, status text NOT NULL,
  parent_id integer, lane text NOT NULL, position integer NOT NULL, iteration integer, scope text,
  attempts text NOT NULL, output text, error text, metrics text NOT NULL, progress text,
  started_at integer, ended_at integer, wake_at integer, child_execution_id text, wait text,
  reused integer NOT NULL)`

/** The tables created by their first write (the columns of schema.ts, in the same order). */
export const LAZY_TABLES = {
  events: `CREATE TABLE IF NOT EXISTS events (id integer PRIMARY KEY NOT NULL, name text NOT NULL,
  payload text, received_at integer NOT NULL)`,
  items: 'CREATE TABLE IF NOT EXISTS items (run_id integer PRIMARY KEY NOT NULL, items text NOT NULL)',
} as const

export type LazyTable = keyof typeof LAZY_TABLES

const VERSION_ROW = `INSERT INTO execution (key, value) VALUES (${KEY.layout}, '${LAYOUT_VERSION}')`

/** The keyed table and its version row, for a rewrite that keeps the task runs (legacy.ts). */
export const KEYED_TABLE = `${KEYED};\n${VERSION_ROW};`

/** The SQL that creates the layout, its version row included (one batch). */
export const LAYOUT = `${KEYED_TABLE}\n${TASK_RUNS};`
