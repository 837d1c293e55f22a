/** @module The topology of a revision, its nodes coloured and labelled by their task runs. */
import { actionOf } from '../../actions/index'
import type { TaskShape } from '../../actions/define'
import { layoutTopology, type TopoTask } from '../core/topology'
import { TopologySvg } from '../core/topology-svg'

/** A container's lanes, from the action registry (the same lanes the engine runs). */
export function lanesOf(task: TopoTask): Record<string, TopoTask[]> {
  try {
    return actionOf(task.type).lanes(task as never) as Record<string, TaskShape[]>
  } catch {
    // a task type this build does not know: drawn as a plain task
    return {}
  }
}

export function Topology({
  tasks,
  counts,
  label,
}: {
  tasks: readonly TopoTask[]
  counts: ReadonlyMap<string, ReadonlyMap<string, number>> | null
  label: string
}) {
  const layout = layoutTopology(tasks, lanesOf, counts)
  return (
    <div class="scroll">
      <TopologySvg layout={layout} label={label} />
    </div>
  )
}
