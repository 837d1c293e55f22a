/**
 * The README's "Run it" against the lock file: under Node 20 (what package.json's engines allow),
 * npm warns EBADENGINE once per installed package whose engines exclude it. The README names how
 * many there are and whose they are; a tool upgraded to a version that needs a newer Node shows here.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'

const ROOT = path.join(import.meta.dirname, '..', '..')
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')

type Version = [number, number, number]

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/** Whether `version` meets one comparator: `>=x.y.z`, `>`, `<`, `<=`, `^x[.y[.z]]`, `~x.y`, or a bare version. */
function meets(version: Version, comparator: string): boolean {
  const match = /^(>=|<=|>|<|\^|~)?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(comparator)
  assert.ok(match, `an engines comparator this test does not read: "${comparator}"`)
  const wanted: Version = [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)]
  const order = compare(version, wanted)
  switch (match[1]) {
    case '>=':
      return order >= 0
    case '>':
      return order > 0
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    case '~':
      return version[0] === wanted[0] && version[1] === wanted[1] && order >= 0
    case '^':
    case undefined:
    default:
      // ^x.y.z and a bare x.y.z, as engines use them: the same major, at least that version
      return version[0] === wanted[0] && order >= 0
  }
}

/** Whether `version` (x.y.z) satisfies an engines range: alternatives split by `||`, each comparators split by spaces. */
function satisfies(version: string, range: string): boolean {
  const parsed = version.split('.').map(Number) as Version
  return range.split('||').some((alternative) =>
    alternative
      .replace(/(>=|<=|>|<|\^|~)\s+/g, '$1')
      .trim()
      .split(/\s+/)
      .every((comparator) => meets(parsed, comparator)),
  )
}

describe('npm install under Node 20', () => {
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } }>
  }
  const oldest = '20.20.2'
  const refusing = Object.entries(lock.packages)
    .filter(([where, entry]) => where !== '' && entry.engines?.node && !satisfies(oldest, entry.engines.node))
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length))

  it("warns only for Cloudflare's tools, as many times as the README says", () => {
    assert.deepEqual(
      [...new Set(refusing)].sort(),
      ['@cloudflare/kv-asset-handler', 'miniflare', 'wrangler'],
      `packages that refuse Node ${oldest}: ${refusing.join(', ')}`,
    )
    const words = ['none', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']
    assert.match(read('README.md'), new RegExp(`Node 20: ${words[refusing.length]} \`EBADENGINE\` warnings`))
  })

  it('reads the engines ranges of the lock file', () => {
    assert.equal(satisfies('20.20.2', '>=22.19.0'), false)
    assert.equal(satisfies('20.20.2', '^20.12||^22||>=24'), true)
    assert.equal(satisfies('20.20.2', '^22.13||^24||>=26'), false)
    assert.equal(satisfies('20.20.2', '>=16'), true)
    assert.equal(satisfies('20.20.2', '>=22.12.0 || >=20.19.0 <21.0.0'), true)
    assert.equal(satisfies('20.20.2', '^18 || >=20'), true)
  })
})

describe('npm start', () => {
  it('passes --test-scheduled, so that wrangler does not warn that crons do not run in local development', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>
    assert.match(scripts.start ?? '', /wrangler dev --test-scheduled /)
  })
})
