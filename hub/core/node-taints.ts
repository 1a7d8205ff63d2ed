import { taintText, untolerated } from "../scheduler/taints";
import type { Node } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { NodeService } from "./nodes";
import type { Preemptions } from "./preemption";
import type { Store } from "./repositories";
import type { Taint } from "./taint-model";
import { checkTaints } from "./taints";

/** What setting a node's taints did. */
export interface TaintResult {
  node: Node;
  /** Running tasks evicted because they do not tolerate a new NoExecute taint. */
  evicted: number;
}

/**
 * Node taints (taint-model.ts): the scheduler keeps untolerated work off a NoSchedule / NoExecute
 * node (hub/scheduler/place.ts); a NoExecute taint also evicts the running tasks that do not
 * tolerate it, through the drain's path (the task leaves the node's desired set, its agent stops
 * it within its stop grace, and it goes back to pending without counting a failure).
 */
export class NodeTaints {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly preemptions: Preemptions,
  ) {}

  /** Replaces every taint of the node. */
  set(node: Node, taints: readonly unknown[]): TaintResult {
    const checked = checkTaints(taints);
    return this.store.transaction(() => {
      const saved = this.nodes.setTaints(node, checked);
      return { node: saved, evicted: this.evictUntolerated(saved) };
    });
  }

  /** Adds taints (one with the same key and effect is replaced). */
  add(node: Node, taints: readonly unknown[]): TaintResult {
    const added = checkTaints(taints);
    const kept = (node.taints ?? []).filter(
      (t) => !added.some((a) => a.key === t.key && a.effect === t.effect),
    );
    return this.set(node, [...kept, ...added]);
  }

  /** Removes every taint with `key` (of `effect` only, when given). */
  remove(node: Node, key: string, effect?: Taint["effect"]): TaintResult {
    const kept = (node.taints ?? []).filter(
      (t) => t.key !== key || (effect !== undefined && t.effect !== effect),
    );
    return this.set(node, kept);
  }

  private evictUntolerated(node: Node): number {
    if (!(node.taints ?? []).some((t) => t.effect === "NoExecute")) return 0;
    let evicted = 0;
    for (const task of this.store.tasks.byNode(node.id, [...PLACED_TASK_STATES])) {
      const workload = this.store.workloads.byId(task.workloadId);
      if (!workload) continue;
      const repelling = untolerated(node.taints, workload.tolerations, ["NoExecute"])[0];
      if (!repelling) continue;
      const reason = `evicted: node ${node.name} has the taint ${taintText(repelling)}`;
      if (this.preemptions.request(task.id, reason, { evict: true })) evicted += 1;
    }
    return evicted;
  }
}
