/** @module The topology of a revision, its nodes coloured and labelled by their task runs. */
import { actionOf } from '../../actions/index'
import type { TaskShape } from '../../actions/define'
import { handlerLanes, layoutTopology, type TopoTask } from '../core/topology'
import { TopologySvg } from '../core/topology-svg'

/** A container's lanes, from the action registry (the same lanes the engine runs), then its handlers. */
export function lanesOf(task: TopoTask): Record<string, TopoTask[]> {
  return { ...actionLanes(task), ...handlerLanes(task) }
}

function actionLanes(task: TopoTask): Record<string, TopoTask[]> {
  try {
    return actionOf(task.type).lanes(task as never) as Record<string, TaskShape[]>
  } catch {
    // a task type this build does not know: drawn as a plain task
    return {}
  }
}

export function Topology({
  definition,
  counts,
  label,
  runOf,
}: {
  /** The flow's definition: its tasks, and its own errors and finally. */
  definition: { tasks: readonly TopoTask[]; errors?: TopoTask[] | undefined; finally?: TopoTask[] | undefined }
  counts: ReadonlyMap<string, ReadonlyMap<string, number>> | null
  label: string
  /** The run each node links to (`#run-<id>`), by task id. */
  runOf?: ReadonlyMap<string, number> | undefined
}) {
  const layout = layoutTopology(definition.tasks, lanesOf, counts, handlerLanes(definition))
  return (
    <div class="scroll">
      <TopologySvg layout={layout} label={label} runOf={runOf} />
    </div>
  )
}

/** The run a task's node links to: its first failed run on the page, else its first. */
export function runOfTask(runs: readonly { id: number; taskId: string; status: string }[]): Map<string, number> {
  const chosen = new Map<string, number>()
  for (const run of runs) if (!chosen.has(run.taskId)) chosen.set(run.taskId, run.id)
  for (const run of runs.toReversed()) if (run.status === 'failed') chosen.set(run.taskId, run.id)
  return chosen
}
