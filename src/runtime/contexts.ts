/** @module What an expression of a task run sees: input, outputs in its scope, vars, the execution, the foreach item. */
import type { ExpressionContext } from '../flow/expression'
import { foreachRunOf, iterationOf } from '../core/scopes'
import type { Secrets } from './secrets'
import { Scopes } from './scopes'
import type { ExecState, RunState } from '../core/state'
import type { ExecutionStore } from '../store/execution/store'

export class Contexts {
  readonly scopes: Scopes
  /** The items of the foreach runs in use, read from storage once each. */
  private readonly items = new Map<number, unknown[]>()

  constructor(
    private readonly store: ExecutionStore,
    scopeOfRun: (runId: number) => string | null,
    private readonly secrets: Secrets,
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
        startedAt: exec.startedAt === null ? null : new Date(exec.startedAt).toISOString(),
      },
      secrets: this.secrets,
    }
    if (run.scope !== null) {
      const index = iterationOf(run.scope)
      context.item = this.itemsOf(foreachRunOf(run.scope))[index]
      context.index = index
    }
    return context
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
