/** @module The permalinks of the execution page: a run's details and an attempt's row in them. */

/** `#run-<run id>-attempt-<number>`: the page opens its run's details on that attempt's row. */
export const attemptAnchor = (runId: number, attempt: number) => `run-${runId}-attempt-${attempt}`
