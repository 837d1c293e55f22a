/**
 * @module Who may use the API and the dashboard, from the configuration: everyone when the API was
 * opened for local use (`ALLOW_ANONYMOUS_API="true"` and no token), the token's holder when a token
 * is set, nobody otherwise (README, Configuration).
 */

export type Access = 'open' | 'session' | 'closed'

export interface AccessVars {
  API_TOKEN?: string | undefined
  ALLOW_ANONYMOUS_API?: string | undefined
}

/** How the API and the dashboard are guarded with these vars. */
export function accessOf(vars: AccessVars): Access {
  if (vars.API_TOKEN) return 'session'
  return vars.ALLOW_ANONYMOUS_API === 'true' ? 'open' : 'closed'
}
