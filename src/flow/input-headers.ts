/**
 * @module Which request headers an execution's input keeps verbatim. Credential headers are
 * redacted by default on every trigger that builds input from a request, so that a caller's secrets
 * never land in execution storage, the API or logs; a flow that must read one keeps it explicitly.
 */
import * as z from 'zod'

/** Headers that carry a caller's credentials: redacted unless the flow's `inputHeaders.keep` names them. */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'] as const

/**
 * What a redacted header's value becomes. Replacing rather than dropping keeps the header's presence
 * visible: whoever debugs an execution sees that the caller did send it, and a flow can still test
 * for it (`input.headers.authorization != null`) without ever seeing the secret.
 */
export const REDACTED = '[redacted]'

/** Request header names are case-insensitive and arrive lower-cased: asking for lower case avoids a silent miss. */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9a-z-]+$/, 'a header name in lower case')

export const InputHeaders = z
  .strictObject({
    /** More headers to redact, besides the credential headers. */
    redact: z.array(HeaderName).max(100).optional(),
    /** Credential headers this flow must read, kept verbatim. */
    keep: z
      .array(
        z.enum(CREDENTIAL_HEADERS, {
          error: `only a redacted-by-default header can be kept: ${CREDENTIAL_HEADERS.join(', ')}`,
        }),
      )
      .optional(),
  })
  .superRefine((policy, ctx) => {
    policy.keep?.forEach((name, index) => {
      if (policy.redact?.includes(name))
        ctx.addIssue({ code: 'custom', path: ['keep', index], message: `"${name}" cannot be both kept and redacted` })
    })
  })
export type InputHeaders = z.infer<typeof InputHeaders>

/** The header names a flow's input redacts. */
export function redactedHeaders(policy: InputHeaders | undefined): ReadonlySet<string> {
  const kept = new Set<string>(policy?.keep ?? [])
  return new Set([...CREDENTIAL_HEADERS.filter((name) => !kept.has(name)), ...(policy?.redact ?? [])])
}
