import type { RunState } from '../../src/core/state'

/** A task run with the fields a test names, the rest those of a completed top-level `set`. */
export const taskRun = (fields: Partial<RunState> & { id: number; taskId: string }): RunState => ({
  type: 'set',
  status: 'completed',
  parentId: null,
  lane: 'main',
  position: 0,
  iteration: null,
  scope: null,
  attempts: [{ number: 1, status: 'completed', startedAt: 1_010, endedAt: 1_020 }],
  output: null,
  error: null,
  metrics: [],
  startedAt: 1_010,
  endedAt: 1_020,
  wakeAt: null,
  childExecutionId: null,
  wait: null,
  reused: false,
  progress: null,
  ...fields,
})
