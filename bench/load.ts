/** Dependency-free load helpers: bounded runs at a fixed concurrency, percentiles. */

export interface Stats {
  n: number
  p50: number
  p95: number
  p99: number
  mean: number
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1)
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean }
}

/** Runs `task` `count` times, `concurrency` at once, stopping early after `maxMs`. */
export async function run<T>(count: number, concurrency: number, maxMs: number, task: (index: number) => Promise<T>) {
  const started = performance.now()
  const results: T[] = []
  const latencies: number[] = []
  let next = 0
  const worker = async () => {
    while (next < count && performance.now() - started < maxMs) {
      const index = next++
      const begin = performance.now()
      results.push(await task(index))
      latencies.push(performance.now() - begin)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  return { results, latencies: stats(latencies), elapsedMs, perSecond: (results.length / elapsedMs) * 1000 }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function json<T = any>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  if (!response.ok && response.status !== 202)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

/** Polls `url` every `intervalMs` until `done` holds, for at most `maxMs`. */
export async function poll<T = any>(
  url: string,
  done: (value: T) => boolean,
  intervalMs: number,
  maxMs = 60_000,
): Promise<T> {
  const started = performance.now()
  for (;;) {
    const value = await json<T>(url)
    if (done(value)) return value
    if (performance.now() - started > maxMs) throw new Error(`${url} did not finish in ${maxMs} ms`)
    await sleep(intervalMs)
  }
}
