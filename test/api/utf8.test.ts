import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { BASE, indexSettled, json, putFlow, uniqueId } from '../helpers/api'

const encoder = new TextEncoder()

/** `before`, then the raw `bad` bytes, then `after`: not UTF-8 when `bad` is not. */
const bytes = (before: string, bad: number[], after: string) =>
  new Uint8Array([...encoder.encode(before), ...bad, ...encoder.encode(after)])

const send = (method: string, path: string, body: Uint8Array, type = 'application/json') =>
  exports.default.fetch(new Request(`${BASE}${path}`, { method, body, headers: { 'content-type': type } }))

/** Byte sequences that are not UTF-8, each a class: a stray byte, a lone continuation, an overlong form, a surrogate, a cut sequence, past U+10FFFF. */
const INVALID: [string, number[]][] = [
  ['0xff', [0xff]],
  ['a lone continuation byte', [0x80]],
  ['an overlong "/"', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a cut sequence', [0xe2, 0x82]],
  ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
]

const logFlow = { tasks: [{ id: 'x', type: 'log', message: '.' }] }

describe('JSON bodies that are not UTF-8', () => {
  it.each(INVALID)(
    'are refused on a webhook with 400 invalid_json naming the byte (%s), and start nothing',
    async (_, bad) => {
      const id = uniqueId()
      await putFlow(id, logFlow)
      const response = await send('POST', `/hooks/${id}`, bytes('{"name":"Ad', bad, 'a"}'))
      expect(response.status).toBe(400)
      expect((await json(response)).error).toEqual({
        code: 'invalid_json',
        message: 'the request body is not valid JSON: it is not UTF-8 (byte 11 starts no valid sequence)',
      })
      await indexSettled()
      expect((await json(exports.default.fetch(`${BASE}/api/executions?flowId=${id}`))).items).toEqual([])
    },
  )

  it('are refused wherever a JSON body is read: manual trigger, ad-hoc run, event, replay, flow PUT (JSON and YAML)', async () => {
    const id = uniqueId()
    await putFlow(id, logFlow)
    const bad = bytes('{"a":"', [0xff], '"}')
    const refusals = [
      await send('POST', `/api/flows/${id}/executions`, bad),
      await send('POST', '/api/executions', bad),
      await send('POST', '/api/executions/some-id/events/approved', bad),
      await send('POST', '/api/executions/some-id/replay', bad),
      await send('PUT', `/api/flows/${id}`, bad),
    ]
    for (const response of refusals) {
      expect(response.status).toBe(400)
      expect((await json(response)).error.code).toBe('invalid_json')
    }
    const yaml = await send(
      'PUT',
      `/api/flows/${id}`,
      bytes('tasks:\n  - id: x\n    type: log\n    message: "', [0xfe], '"\n'),
      'application/yaml',
    )
    expect(yaml.status).toBe(400)
    expect((await json(yaml)).error).toEqual({
      code: 'invalid_yaml',
      message: 'the request body is not valid YAML: it is not UTF-8 (byte 45 starts no valid sequence)',
    })
  })

  it('keep U+FFFD the sender encoded, and a byte order mark is still read past', async () => {
    const id = uniqueId()
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: '{{ input.body }}' }] })
    const withReplacement = await send('POST', `/hooks/${id}`, encoder.encode('{"name":"A\uFFFDa"}'))
    expect(withReplacement.status).toBe(200)
    expect(await json(withReplacement)).toEqual({ name: 'A\uFFFDa' })
    const withBom = await send('POST', `/hooks/${id}`, bytes('', [0xef, 0xbb, 0xbf], '{"name":"Ada"}'))
    expect(withBom.status).toBe(200)
    expect(await json(withBom)).toEqual({ name: 'Ada' })
  })

  it('are refused as a body of another type too, never changed to U+FFFD unseen', async () => {
    const id = uniqueId()
    await putFlow(id, { mode: 'sync', tasks: [{ id: 'r', type: 'return', body: '{{ input.body }}' }] })
    const response = await send('POST', `/hooks/${id}`, bytes('a', [0xff], 'b'), 'text/plain')
    expect(response.status).toBe(400)
    expect((await json(response)).error.message).toContain('not UTF-8 (byte 1')
  })
})
