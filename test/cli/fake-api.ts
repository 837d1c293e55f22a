/** The CLI on a fake network: routes of a fake API, and a command line run on them with what it printed. */
import { main } from '../../src/cli/main.ts'

export const URL = 'http://edgeflow.test'
export const FULL = 'a'.repeat(8) + 'b'.repeat(56)

/** A route of the fake API: method and path (with its query) to an answer. */
export type Route = (request: Request, url: URL) => Response | Promise<Response> | undefined

export const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: body === null ? headers : { 'content-type': 'application/json', ...headers },
  })

/** Runs the command line on the routes; every request is kept. */
export async function cli(line: string[], routes: Route[] = [], env: Record<string, string> = {}, stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const requests: { method: string; url: URL; body: string }[] = []
  const fetch = async (request: Request) => {
    const url = new globalThis.URL(request.url)
    requests.push({ method: request.method, url, body: await request.clone().text() })
    for (const route of routes) {
      const response = await route(request, url)
      if (response) return response
    }
    return answer(404, { error: { code: 'not_found', message: `${request.method} ${url.pathname} not found` } })
  }
  const code = await main(
    line,
    {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      env: { EDGEFLOW_URL: URL, ...env },
      readStdin: async () => stdin,
    },
    fetch,
  )
  return { code, stdout: out.join(''), stderr: err.join(''), requests }
}

export const on =
  (method: string, pathname: string, respond: (request: Request, url: URL) => Response | Promise<Response>): Route =>
  (request, url) =>
    request.method === method && url.pathname === pathname ? respond(request, url) : undefined
