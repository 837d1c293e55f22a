/**
 * @module The queues edgeflow consumes for itself (wrangler.toml): the index, its dead letters and
 * the traces. Every other queue the Worker consumes carries messages for flows with a `queue`
 * trigger (README, Queue triggers), so a flow may not subscribe to one of these.
 */

/** Execution summaries on their way to the D1 index (objects/index-queue.ts). */
export const INDEX_QUEUE = 'edgeflow-index'

/** The index queue's dead-letter queue: the batches it gets have failed every retry already. */
export const INDEX_DEAD_LETTERS = 'edgeflow-index-dead'

/** Ended executions' spans on their way to the OTLP endpoint (objects/trace-queue.ts). */
export const TRACE_QUEUE = 'edgeflow-traces'

export const OWN_QUEUES: readonly string[] = [INDEX_QUEUE, INDEX_DEAD_LETTERS, TRACE_QUEUE]
