/** The benchmark table (stdout) and its JSON (bench/results/). */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import path from 'node:path'
import type { Row } from './scenarios.ts'

const fixed = (value: number | undefined, digits = 2) => (value === undefined || Number.isNaN(value) ? '' : value.toFixed(digits))

/** How the row compares with a reference: ×N slower for latencies, ×N the reference for rates. */
function ratio(row: Row, reference: number | undefined): string {
  if (reference === undefined || reference === 0) return ''
  return `${(row.value / reference).toFixed(2)}×`
}

export function table(rows: Row[]): string {
  const header = ['#', 'scenario', 'figure', 'p50', 'p95', 'p99', 'vs bare', 'vs Workflows']
  const lines = rows.map((row) => [
    row.id,
    row.scenario,
    `${fixed(row.value)} ${row.unit}`,
    fixed(row.latency?.p50),
    fixed(row.latency?.p95),
    fixed(row.latency?.p99),
    ratio(row, row.bare),
    ratio(row, row.workflows),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)))
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  const notes = rows.filter((row) => row.note).map((row) => `- ${row.id}: ${row.note}`)
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format), '', ...notes].join('\n')
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
}

export function save(dir: string, rows: Row[]): string {
  mkdirSync(dir, { recursive: true })
  const at = new Date().toISOString()
  const body = JSON.stringify({ at, machine: machine(), rows }, null, 2)
  const file = path.join(dir, `${at.replaceAll(':', '-')}.json`)
  writeFileSync(file, body)
  writeFileSync(path.join(dir, 'latest.json'), body)
  return file
}
