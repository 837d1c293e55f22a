/**
 * @module Scopes: where a task run's outputs are visible. A run at the top of the flow (or in an
 * `if`, `switch` or `parallel`) has the flow's scope, null; a run in a foreach iteration has that
 * iteration's, keyed `<foreachRunId>#<index>` — the one place that knows the format.
 */

/** The scope key of iteration `index` of foreach run `foreachRunId`. */
export const iterationScope = (foreachRunId: number, index: number | string): string => `${foreachRunId}#${index}`

/** The foreach run an iteration scope belongs to. */
export const foreachRunOf = (scope: string): number => Number(scope.slice(0, scope.indexOf('#')))

/** The index of the iteration a scope key names. */
export const iterationOf = (scope: string): number => Number(scope.slice(scope.indexOf('#') + 1))
