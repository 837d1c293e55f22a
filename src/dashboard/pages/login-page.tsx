/** @module The sign-in page: the API token, posted (never in a URL), exchanged for a session cookie. */
import type { View } from '../view'

export function loginPage(next: string, failed: boolean, closed: boolean): View {
  const body = closed ? (
    <div class="login">
      <h1>The dashboard is closed</h1>
      <p>
        No API token is set. Set the <code>API_TOKEN</code> secret (<code>wrangler secret put API_TOKEN</code>) and sign
        in with it, or, for local use only, set the var <code>ALLOW_ANONYMOUS_API="true"</code>.
      </p>
    </div>
  ) : (
    <form class="login" method="post" action="/login">
      <h1>Sign in</h1>
      <p class="muted">Sign in with the API token (the API_TOKEN secret).</p>
      {failed ? (
        <p class="problem" role="alert">
          That token is not valid.
        </p>
      ) : null}
      <label>
        API token
        <br />
        <input type="password" name="token" required autocomplete="current-password" autofocus />
      </label>
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="primary">
        Sign in
      </button>
    </form>
  )
  return {
    title: 'Sign in',
    section: 'login',
    live: false,
    regions: {},
    body,
    ...(failed ? { status: 400 as const } : {}),
  }
}
