import assert from "node:assert/strict";
import type { Task } from "../../../../hub/core/model";
import { hardware, newCore, readyNode, report, role, type Harness } from "./harness";

/**
 * Issue 15: a task report, and a node's desired set, cost O(1) in the size of the workload. The
 * store's whole-workload read is counted; the behaviour is pinned by lifecycle.test.ts and friends.
 */
describe("core: reports and desired sets do not read whole workloads (issue 15)", () => {
  let h: Harness;
  let reads: string[];

  beforeEach(() => {
    h = newCore();
    reads = [];
    const byWorkload = h.store.tasks.byWorkload.bind(h.store.tasks);
    h.store.tasks.byWorkload = (id) => (reads.push(id), byWorkload(id));
  });

  afterEach(() => h.store.close());

  function placed(instances: number): { id: string; tasks: Task[]; nodeId: string } {
    const node = readyNode(h.core, "n1", { hw: hardware({ cores: 256, memoryMiB: 1_048_576 }) });
    const { workload } = h.core.workloads.submit({
      name: "wide",
      owner: "alice",
      roles: [role({ instances, resources: { cpuMilli: 100, memoryMiB: 64, gpu: 0 } })],
    });
    h.core.placement.runOnce();
    const tasks = h.core.workloads.tasks(workload.id);
    assert.ok(tasks.every((t) => t.state === "assigned"));
    return { id: workload.id, tasks, nodeId: node.id };
  }

  it("a report that moves one task reads no other task; the last one settles the workload", () => {
    const { id, tasks, nodeId } = placed(50);
    reads = [];
    for (const t of tasks) h.core.lifecycle.applyReport(nodeId, report(t.id, { state: "running" }));
    assert.deepEqual(reads, [], "50 reports, no whole-workload read");
    assert.equal(h.core.workloads.find(id)?.state, "running");
    for (const t of tasks.slice(0, -1))
      h.core.lifecycle.applyReport(nodeId, report(t.id, { state: "succeeded", exitCode: 0 }));
    assert.deepEqual(reads, []);
    assert.equal(h.core.workloads.find(id)?.state, "running");
    const last = tasks.at(-1) as Task;
    h.core.lifecycle.applyReport(nodeId, report(last.id, { state: "succeeded", exitCode: 0 }));
    assert.equal(h.core.workloads.find(id)?.state, "succeeded");
  });

  it("a node's desired set reads a workload's tasks only for a decorator that asks, once per call", () => {
    const { tasks, nodeId } = placed(20);
    reads = [];
    assert.equal(h.core.desired.forNode(nodeId).length, 20);
    assert.deepEqual(reads, [], "no decorator: no peer list read");
    let asked = 0;
    h.core.desired.addEnvDecorator((ctx): Record<string, string> => {
      if (ctx.task.index % 2 === 1) return {};
      asked++;
      return { PEERS: String(ctx.tasks.length) };
    });
    const desired = h.core.desired.forNode(nodeId);
    assert.equal(asked, 10);
    assert.deepEqual(reads, [tasks[0]?.workloadId], "one read for the 10 tasks that asked");
    assert.equal(desired.find((d) => d.taskId === tasks[0]?.id)?.env.PEERS, "20");
  });
});
