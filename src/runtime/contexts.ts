/** @module What an expression of a task run sees: input, outputs in its scope, vars, the execution, the foreach item. */
import type { ExpressionContext } from '../flow/expression'
import { foreachRunOf, iterationOf } from '../core/scopes'
import { handlerContext } from '../core/handlers'
import type { Secrets } from './secrets'
import { Scopes } from './scopes'
import type { ExecState, RunState } from '../core/state'
import type { ExecutionStore } from '../store/execution/store'

export class Contexts {
  readonly scopes: Scopes
  /** The items of the foreach runs in use, read from storage once each. */
  private readonly items = new Map<number, unknown[]>()
  /** The execution's start as expressions see it, written once rather than for every task run. */
  private started: { at: number; iso: string } | null = null

  constructor(
    private readonly store: ExecutionStore,
    scopeOfRun: (runId: number) => string | null,
    private readonly secrets: Secrets,
    /** An active run by id (the containers a run sits in are active while it runs). */
    private readonly runOf: (runId: number) => RunState | undefined,
    /** The output a run ended with, as this turn knows it (it may not be flushed yet). */
    private readonly outputOf: (runId: number) => unknown,
  ) {
    this.scopes = new Scopes(store, scopeOfRun)
  }

  for(run: RunState, exec: ExecState, input: unknown, vars: Record<string, unknown>): ExpressionContext {
    const context: ExpressionContext = {
      input,
      outputs: this.scopes.view(run.scope),
      vars,
      execution: {
        id: exec.id,
        flowId: exec.flowId,
        revision: exec.revision,
        startedAt: exec.startedAt === null ? null : this.iso(exec.startedAt),
      },
      secrets: this.secrets,
    }
    const { compensating, ...handling } = handlerContext(run, this.runOf, exec.root)
    Object.assign(context, handling)
    if (compensating) context.compensating = { taskId: compensating.taskId, output: this.outputOf(compensating.runId) }
    if (run.scope !== null) {
      const index = iterationOf(run.scope)
      context.item = this.itemsOf(foreachRunOf(run.scope))[index]
      context.index = index
    }
    return context
  }

  private iso(at: number): string {
    if (this.started?.at !== at) this.started = { at, iso: new Date(at).toISOString() }
    return this.started.iso
  }

  /** A foreach starts: its items are kept (in storage, once, secrets masked) for its iterations. */
  iterate(runId: number, all: unknown[]): void {
    const items = this.secrets.mask(all)
    this.items.set(runId, items)
    this.store.saveItems(runId, items)
  }

  /** A foreach ended: its items are no longer needed in memory. */
  forget(runId: number): void {
    this.items.delete(runId)
  }

  private itemsOf(runId: number): unknown[] {
    let values = this.items.get(runId)
    if (!values) {
      values = this.store.items(runId)
      this.items.set(runId, values)
    }
    return values
  }
}
