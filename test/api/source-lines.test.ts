import { describe, expect, it } from 'vitest'
import { jsonErrorOffset, placesOf, syntaxPlace } from '../../src/api/source-lines'

describe('the place of a field in a flow text', () => {
  const yaml = ['mode: sync', 'tasks:', '  - id: first', '    type: teleport', '  - id: second', ''].join('\n')

  it("finds a field's line and column in YAML, and a missing field at what holds it", () => {
    expect(placesOf(yaml, ['tasks.0.type', 'tasks.1.url', 'mode', '', 'nothing.here'])).toEqual([
      { line: 4, column: 11 },
      { line: 5, column: 5 },
      { line: 1, column: 7 },
      { line: 1, column: 1 },
      { line: 1, column: 1 },
    ])
  })

  it('finds it in JSON text too, and nothing in a text that does not parse', () => {
    const json = JSON.stringify({ tasks: [{ id: 'a', type: 'set' }] }, null, 2)
    expect(placesOf(json, ['tasks.0.type'])).toEqual([{ line: 5, column: 15 }])
    expect(placesOf('tasks: [', ['tasks'])).toBeNull()
  })

  it('says where JSON stops being JSON', () => {
    for (const text of ['{"a":1}', '[1, 2.5e3, true, null, "x\\"y"]', ' {} ']) expect(jsonErrorOffset(text)).toBeNull()
    expect(jsonErrorOffset('[1, 2,]')).toBe(6)
    expect(jsonErrorOffset('{"a" 1}')).toBe(5)
    expect(jsonErrorOffset('{"a": 1')).toBe(7)
    expect(syntaxPlace('{\n  "tasks": [\n    {"id": }\n  ]\n}', false)).toEqual({ line: 3, column: 12 })
    expect(syntaxPlace('tasks:\n  - id: a\n   type: [\n', true).line).toBeGreaterThanOrEqual(3)
  })
})
