import type { Clock } from "./clock";
import type { DrainResult, NodeDrains } from "./drain";
import type { Node } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { NodeService } from "./nodes";
import type { Store } from "./repositories";
import type { TaskLifecycle } from "./task-lifecycle";

/**
 * Removes a node from its cluster (ModelArts batch-delete): drains it (its agent is told to stop
 * its tasks, which leave the node's desired set), then revokes its credential and certificates so
 * it can no longer connect. The evicted tasks do not wait for a stop report the agent can no
 * longer send: the hub records them stopped here, which ends their eviction and puts them back in
 * pending as their next attempt, to be placed elsewhere. (NodeService.list leaves removed nodes
 * out, so nothing else would notice tasks left on one.)
 */
export class NodeRemovals {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly drains: NodeDrains,
    private readonly lifecycle: TaskLifecycle,
    private readonly clock: Clock,
  ) {}

  remove(node: Node, reason = "node removed"): DrainResult {
    const drained = this.drains.drain(node, reason);
    const now = this.clock.now();
    // Every task still placed there ends now: an evicted one goes back to pending without counting
    // a failure; any other (assigned, or a daemon-set member) ended as a stop nobody asked for,
    // which its retry policy handles as it would a lost node's.
    for (const task of this.store.tasks.byNode(node.id, [...PLACED_TASK_STATES])) {
      this.lifecycle.applyReport(node.id, {
        taskId: task.id,
        attempt: task.attempt,
        state: "stopped",
        exitCode: null,
        containerId: task.containerId ?? "",
        ip: "",
        ports: [],
        message: `${reason}: node ${node.name} left its cluster`,
        startedAt: task.startedAt,
        finishedAt: now,
      });
    }
    return { ...drained, node: this.nodes.remove(this.nodes.byId(node.id)) };
  }
}
