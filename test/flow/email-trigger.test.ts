import { describe, expect, it } from 'vitest'
import { emailAction, emailInput, receiversOf } from '../../src/flow/email-trigger'

describe('email triggers (pure)', () => {
  const named = { id: 'named', triggers: [{ type: 'email' as const, address: 'Orders@Shop.test' }] }
  const catchAll = { id: 'all', triggers: [{ type: 'email' as const }] }

  it('give a message to the flows naming its recipient (any case), else to those naming none', () => {
    expect(receiversOf([named, catchAll], 'orders@shop.test').map((flow) => flow.id)).toEqual(['named'])
    expect(receiversOf([named, catchAll], 'other@shop.test').map((flow) => flow.id)).toEqual(['all'])
    expect(receiversOf([named], 'other@shop.test')).toEqual([])
  })

  it('read a verdict from a sync answer: reject, forward (one or a list), nothing, or a bad one', () => {
    expect(emailAction({ reject: 'spam' })).toEqual({ kind: 'reject', reason: 'spam' })
    expect(emailAction({ forward: 'a@b.test' })).toEqual({ kind: 'forward', to: ['a@b.test'] })
    expect(emailAction({ forward: ['a@b.test', 'c@d.test'] })).toEqual({
      kind: 'forward',
      to: ['a@b.test', 'c@d.test'],
    })
    expect(emailAction({ ok: true })).toEqual({ kind: 'none' })
    expect(emailAction('text')).toEqual({ kind: 'none' })
    expect(emailAction({ forward: 'nobody' })).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('forward'),
    })
  })

  it('joins repeated headers and bounds the input', () => {
    const mail = {
      headers: [
        { key: 'received', value: 'one' },
        { key: 'received', value: 'two' },
      ],
      attachments: [{ filename: null, mimeType: 'text/plain', disposition: null, content: 'héllo' }],
    }
    const input = emailInput({ from: 'a@b.test', to: 'c@d.test' }, mail, 10_000)
    expect(input).toMatchObject({ ok: true, headers: { received: 'one, two' } })
    expect(input.ok && input.body.attachments[0]?.size).toBe(6)
    expect(emailInput({ from: 'a@b.test', to: 'c@d.test' }, mail, 100)).toMatchObject({ ok: false })
  })
})
