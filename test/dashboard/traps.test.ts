/** The dashboard's traps (issue 23), through the pages as SELF.fetch gets them. */
import { describe, expect, it } from 'vitest'
import { BASE, call, finished, listed, putFlow, waitFor } from '../helpers/api'
import { start } from '../helpers/engine'

const page = async (path: string) => (await call('GET', path)).text()

describe('the execution page puts first what an operator needs', () => {
  it('shows the error of a failed execution above the actions, with links to its run and its logs', async () => {
    const { executionId } = await start({
      tasks: [
        { id: 'ok', type: 'set', values: { a: 1 } },
        { id: 'boom', type: 'fail', message: 'the courier is on strike' },
      ],
    })
    await waitFor(executionId, finished)
    const detail = (await (await call('GET', `/api/executions/${executionId}`)).json()) as {
      taskRuns: { id: number; taskId: string }[]
    }
    const failed = detail.taskRuns.find((run) => run.taskId === 'boom')!
    const text = await page(`/executions/${executionId}`)
    const banner = text.indexOf('class="error-banner"')
    expect(banner).toBeGreaterThan(0)
    expect(banner).toBeLessThan(text.indexOf('id="actions"'))
    const bannerText = text.slice(banner, text.indexOf('</div>', banner))
    expect(bannerText).toContain('the courier is on strike')
    expect(bannerText).toContain(`href="#run-${failed.id}"`)
    expect(bannerText).toContain(`href="?logRun=${failed.id}#logs"`)
    expect(text).toContain(`id="run-${failed.id}"`)
    // the sections in reach, and every Gantt row opens its run
    expect(text).toContain('class="toc"')
    expect(text).toContain(`href="#run-${failed.id}" aria-label="boom: attempts, input and output"`)
  })

  it('says "final", not "live", without the script; a running one never claims to update itself', async () => {
    const { executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: 'PT1M' }] })
    await waitFor(executionId, (execution) => execution.status === 'delayed')
    const text = await page(`/executions/${executionId}`)
    expect(text).not.toContain('live: updates')
    expect(text).toContain('reload the page')
    await call('POST', `/api/executions/${executionId}/kill`)
  })
})

describe('operations offered', () => {
  it('offers Deliver event only while a wait expects one, and says which event and until when', async () => {
    const delayed = await start({ tasks: [{ id: 'nap', type: 'delay', duration: 'PT1M' }] })
    const waiting = await start({ tasks: [{ id: 'approval', type: 'wait', event: 'approved', timeout: 'PT1H' }] })
    await waitFor(delayed.executionId, (execution) => execution.status === 'delayed')
    const wait = await waitFor(waiting.executionId, (execution) => execution.status === 'waiting')
    const napping = await page(`/executions/${delayed.executionId}`)
    expect(napping).not.toContain('Deliver event')
    expect(napping).toContain('/kill')
    const text = await page(`/executions/${waiting.executionId}`)
    expect(text).toContain('Deliver event')
    const began = Date.parse(wait.taskRuns[0].attempts.at(-1).startedAt)
    const until = new Date(began + 3_600_000).toISOString().replace('T', ' ').replace('Z', '')
    expect(text).toMatch(
      new RegExp(`approval</span> waits for the event <strong class="mono">approved</strong> until ${until}`),
    )
    for (const id of [delayed.executionId, waiting.executionId]) await call('POST', `/api/executions/${id}/kill`)
  })

  it('asks before it kills or disables: a disclosure opens on the button that acts', async () => {
    const { flowId, executionId } = await start({ tasks: [{ id: 'nap', type: 'delay', duration: 'PT1M' }] })
    await waitFor(executionId, (execution) => execution.status === 'delayed')
    expect(await page(`/executions/${executionId}`)).toMatch(
      /<details class="confirm" id="confirm-kill"><summary class="button danger">Kill…<\/summary><form method="post" action="\/executions\/[^"]+\/kill"/,
    )
    expect(await page(`/flows/${flowId}`)).toMatch(/<details class="confirm" id="confirm-disable">/)
    await call('POST', `/api/executions/${executionId}/kill`)
  })

  it('replays on the revision latest when asked, and links a failed execution to its replays', async () => {
    const { flowId, executionId } = await start({ tasks: [{ id: 'boom', type: 'fail', message: 'v1' }] })
    await waitFor(executionId, finished)
    const text = await page(`/executions/${executionId}`)
    // no number is chosen: a revision saved after the page was drawn is the one replayed
    expect(text).toMatch(/<select name="revision"><option value="">the latest at replay \(1 now\)<\/option>/)
    await putFlow(flowId, { tasks: [{ id: 'boom', type: 'log', message: 'fixed' }] })
    const replayed = await call('POST', `/executions/${executionId}/replay`, 'revision=', {
      accept: 'application/json',
      origin: BASE,
      'content-type': 'application/x-www-form-urlencoded',
    })
    const outcome = (await replayed.json()) as { ok: boolean; executionId: string; message: string }
    expect(outcome.message).toContain('on revision 2')
    expect((await waitFor(outcome.executionId, finished)).status).toBe('completed')
    await listed(`replayOf=${executionId}`, 1)
    const original = await page(`/executions/${executionId}`)
    expect(original).toMatch(
      new RegExp(`<dt>Replays</dt><dd class="replays"><a href="/executions/${outcome.executionId}"`),
    )
  })
})

describe('a long foreach', () => {
  it('folds its iterations into a row that expands, so the page and its live update stay small', async () => {
    const { executionId } = await start({
      tasks: [
        {
          id: 'each',
          type: 'foreach',
          items: '[1..300]',
          concurrency: 10,
          tasks: [{ id: 'square', type: 'set', values: { last: '{{ item * item }}' } }],
        },
      ],
    })
    await waitFor(executionId, finished, 30_000)
    const text = await page(`/executions/${executionId}`)
    expect(text).toContain('square ×')
    expect(text).toMatch(/href="\?expand=\d+#gantt"/)
    const fragment = await (await call('GET', `/executions/${executionId}?fragment=1`)).text()
    expect(fragment.length).toBeLessThan(40_000)
    // a poll that says which regions it has gets only the others
    const { digests } = JSON.parse(fragment) as { digests: Record<string, string> }
    const have = Object.entries(digests)
      .filter(([name]) => name !== 'facts')
      .map(([name, digest]) => `${name}:${digest}`)
      .join(',')
    const next = await (
      await call('GET', `/executions/${executionId}?fragment=1`, undefined, { 'x-have-regions': have })
    ).text()
    expect(Object.keys((JSON.parse(next) as { regions: object }).regions)).toEqual(['facts'])
    expect(next.length).toBeLessThan(2_000)
    const foreachId = /href="\?expand=(\d+)#gantt"/.exec(text)![1]
    const expanded = await page(`/executions/${executionId}?expand=${foreachId}`)
    expect(text.includes('square [200]')).toBe(false)
    expect(expanded.includes('square [200]')).toBe(true)
  })
})
