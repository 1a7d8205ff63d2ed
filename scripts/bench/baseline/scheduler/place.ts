import type { Assignment, NodeView, PendingTask, Plan } from "./snapshot";

interface Free {
  cpuMilli: number;
  memoryMiB: number;
  gpus: string[];
}

/**
 * First-cut placement. Tasks are taken in the given order (the caller passes oldest first).
 * Feasible nodes are ready, schedulable, have a working runtime, sit in the task's cluster, carry
 * every selector label and have the free CPU, memory and GPU devices. Among them GPU tasks bin-pack
 * (fewest free GPUs left, to keep whole boxes free for big jobs) and CPU-only tasks spread (most
 * free CPU). A gang is placed entirely or not at all.
 */
export function place(nodes: readonly NodeView[], pending: readonly PendingTask[]): Plan {
  const free = new Map<string, Free>();
  for (const n of nodes) {
    free.set(n.id, {
      cpuMilli: n.capacity.cpuMilli - n.used.cpuMilli,
      memoryMiB: n.capacity.memoryMiB - n.used.memoryMiB,
      gpus: n.gpus.filter((g) => !n.used.gpus.has(g)),
    });
  }
  const assignments: Assignment[] = [];
  const waiting = new Map<string, string>();

  for (const group of groups(pending)) {
    const tentative: { assignment: Assignment; cpuMilli: number; memoryMiB: number }[] = [];
    let failed: { task: PendingTask; reason: string } | null = null;
    for (const task of group) {
      const choice = choose(nodes, free, task);
      if (typeof choice === "string") {
        failed = { task, reason: choice };
        break;
      }
      const f = free.get(choice.id) as Free;
      const gpuUuids = f.gpus.slice(0, task.gpu);
      f.cpuMilli -= task.cpuMilli;
      f.memoryMiB -= task.memoryMiB;
      f.gpus = f.gpus.slice(task.gpu);
      tentative.push({
        assignment: { taskId: task.taskId, nodeId: choice.id, gpuUuids },
        cpuMilli: task.cpuMilli,
        memoryMiB: task.memoryMiB,
      });
    }
    if (failed) {
      // Roll the gang back: give what it took to the tasks after it.
      for (const t of tentative.reverse()) {
        const f = free.get(t.assignment.nodeId) as Free;
        f.cpuMilli += t.cpuMilli;
        f.memoryMiB += t.memoryMiB;
        f.gpus = [...t.assignment.gpuUuids, ...f.gpus];
      }
      const prefix = group.length > 1 ? `gang of ${group.length} tasks cannot be placed together: ` : "";
      for (const task of group) waiting.set(task.taskId, prefix + failed.reason);
      continue;
    }
    for (const t of tentative) assignments.push(t.assignment);
  }
  return { assignments, waiting };
}

/** Keeps order; tasks of one gang come together at the position of the gang's first task. */
function groups(pending: readonly PendingTask[]): PendingTask[][] {
  const out: PendingTask[][] = [];
  const byGang = new Map<string, PendingTask[]>();
  for (const t of pending) {
    if (t.gang === null) {
      out.push([t]);
      continue;
    }
    let g = byGang.get(t.gang);
    if (!g) {
      g = [];
      byGang.set(t.gang, g);
      out.push(g);
    }
    g.push(t);
  }
  return out;
}

/** The best node for the task, or why none fits. */
function choose(nodes: readonly NodeView[], free: Map<string, Free>, task: PendingTask): NodeView | string {
  // Narrow by what the task asks for first (cluster, labels), then by node state, so the reason
  // names the real obstacle: "the one labelled node is cordoned" rather than "no node has the label".
  let candidates = nodes.filter((n) => task.clusterId === null || n.clusterId === task.clusterId);
  if (candidates.length === 0) return "no node in the workload's cluster";
  if (task.nodeId !== null) {
    candidates = candidates.filter((n) => n.id === task.nodeId);
    if (candidates.length === 0) return "the node this task is pinned to is gone";
  }
  const missing = task.nodeSelector.filter((l) => !candidates.some((n) => n.labels.includes(l)));
  candidates = candidates.filter((n) => task.nodeSelector.every((l) => n.labels.includes(l)));
  if (candidates.length === 0) {
    return `no node carries the labels ${JSON.stringify(missing.length ? missing : task.nodeSelector)}`;
  }
  const labelled = candidates.length;
  const of = `${labelled} matching node${labelled === 1 ? "" : "s"}`;
  candidates = candidates.filter((n) => n.ready);
  if (candidates.length === 0) return `none of ${of} is ready`;
  candidates = candidates.filter((n) => n.schedulable);
  if (candidates.length === 0) return `every ready node of ${of} is cordoned`;
  candidates = candidates.filter((n) => n.runtimeAvailable);
  if (candidates.length === 0) return `no ready node of ${of} has a working container runtime`;
  const matching = candidates.length;
  const short = { cpu: 0, memory: 0, gpu: 0 };
  const fits = candidates.filter((n) => {
    const f = free.get(n.id) as Free;
    const cpu = f.cpuMilli >= task.cpuMilli;
    const mem = f.memoryMiB >= task.memoryMiB;
    const gpu = f.gpus.length >= task.gpu;
    if (!cpu) short.cpu++;
    if (!mem) short.memory++;
    if (!gpu) short.gpu++;
    return cpu && mem && gpu;
  });
  if (fits.length === 0) {
    const what = [
      short.cpu && `cpu (${task.cpuMilli}m)`,
      short.memory && `memory (${task.memoryMiB} MiB)`,
      short.gpu && `gpu (${task.gpu})`,
    ].filter(Boolean);
    return `insufficient ${what.join(", ")} on ${matching} ready matching node${matching === 1 ? "" : "s"}`;
  }
  const score = (n: NodeView): number => {
    const f = free.get(n.id) as Free;
    return task.gpu > 0 ? -(f.gpus.length - task.gpu) : f.cpuMilli - task.cpuMilli + f.memoryMiB / 1024;
  };
  // Highest score wins; ties go to the name so placement is deterministic.
  return fits.reduce((best, n) => {
    const d = score(n) - score(best);
    return d > 0 || (d === 0 && n.name < best.name) ? n : best;
  });
}
