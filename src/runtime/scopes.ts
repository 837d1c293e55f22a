/**
 * @module Outputs visible to expressions: the flow's own (top level and inside if, switch,
 * parallel) and, inside a foreach iteration, that iteration's, falling back to the enclosing ones.
 * Only scopes in use are held in memory; the rest is in storage.
 */
import { foreachRunOf } from '../core/scopes'
import type { ExecutionStore } from '../store/execution/store'

type Outputs = Record<string, unknown>

export class Scopes {
  private readonly own = new Map<string | null, Outputs>()
  private readonly views = new Map<string | null, Outputs>()

  constructor(
    private readonly store: ExecutionStore,
    /** The scope the foreach run of an iteration scope sits in. */
    private readonly scopeOfRun: (runId: number) => string | null,
  ) {}

  /** What `outputs` holds for a task running in `scope`. */
  view(scope: string | null): Outputs {
    const cached = this.views.get(scope)
    if (cached) return cached
    const own = this.ownOf(scope)
    const view = scope === null ? own : chain(own, this.view(this.scopeOfRun(foreachRunOf(scope))))
    this.views.set(scope, view)
    return view
  }

  /** A new scope (a new execution, a new foreach iteration): nothing of it is in storage to read. */
  begin(scope: string | null): void {
    if (!this.own.has(scope)) this.own.set(scope, {})
  }

  /** A run ended with an output: later expressions in its scope see it (the scope is read first if need be). */
  record(scope: string | null, taskId: string, output: unknown): void {
    this.ownOf(scope)[taskId] = output
  }

  drop(scope: string): void {
    this.own.delete(scope)
    this.views.delete(scope)
  }

  private ownOf(scope: string | null): Outputs {
    let outputs = this.own.get(scope)
    if (!outputs) {
      outputs = this.store.outputs(scope)
      this.own.set(scope, outputs)
    }
    return outputs
  }
}

/** An object that reads `own` first, then `parent` (JSONata checks own properties only). */
function chain(own: Outputs, parent: Outputs): Outputs {
  return new Proxy(own, {
    get: (target, key) => (Object.hasOwn(target, key) ? target[key as string] : parent[key as string]),
    has: (target, key) => key in target || key in parent,
    getOwnPropertyDescriptor: (target, key) =>
      Object.getOwnPropertyDescriptor(target, key) ??
      (Object.hasOwn(parent, key)
        ? { value: parent[key as string], enumerable: true, configurable: true, writable: true }
        : undefined),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(parent), ...Reflect.ownKeys(target)])],
  })
}
