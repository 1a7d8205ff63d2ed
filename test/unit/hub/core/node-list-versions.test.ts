import assert from "node:assert/strict";
import type { Node, Task } from "../../../../hub/core/model";
import { hardware, newCore, readyNode, report, role, type Harness } from "./harness";

/**
 * core.nodes.version and core.allocations.version: the node list answers its last body while
 * neither moved (node-routes.ts), so every change of a node and of an allocation must move one.
 */
describe("core: the versions the node list keys on move with every change", () => {
  let h: Harness;
  let node: Node;

  beforeEach(() => {
    h = newCore();
    node = readyNode(h.core, "a", { hw: hardware({ cores: 8, memoryMiB: 16384 }) });
  });
  afterEach(() => h.store.close());

  it("core.nodes.version: a join, a Hello, a status, a heartbeat, metrics, labels, cordon, taints, replace, removal", () => {
    const nodes = h.core.nodes;
    const current = () => nodes.byId(node.id);
    const changes: [string, () => void][] = [
      ["a join", () => void nodes.join("default", "b")],
      [
        "a Hello",
        () =>
          void nodes.hello(node.id, {
            agentVersion: "0.2.0",
            address: "10.0.0.2",
            labels: [],
            hardware: hardware({ cores: 8 }),
            runtime: { name: "docker", available: true, error: null, version: "27" },
          }),
      ],
      ["a status", () => nodes.setStatus(node.id, "notready")],
      [
        "a heartbeat",
        () => {
          h.clock.advance(1);
          nodes.touch(node.id);
        },
      ],
      [
        "a metrics sample",
        () =>
          nodes.recordMetrics(node.id, { cpuPercent: 5, memoryUsedMiB: 1, load1: 0, gpus: [], sampledAt: 1 }),
      ],
      ["a label added", () => void nodes.addLabel(current(), "zone=a")],
      ["a label removed", () => void nodes.removeLabel(current(), "zone=a")],
      ["a cordon", () => void nodes.setSchedulable(current(), false)],
      ["taints", () => void nodes.setTaints(current(), [{ key: "k", value: "v", effect: "NoSchedule" }])],
      ["a replace", () => void nodes.replace(current())],
      ["a removal", () => void nodes.remove(current())],
    ];
    for (const [what, change] of changes) {
      const before = nodes.version;
      change();
      assert.ok(nodes.version > before, `${what} moves core.nodes.version`);
    }
    const still = nodes.version;
    nodes.list();
    nodes.byId(node.id);
    assert.equal(nodes.version, still, "reads do not");
  });

  it("core.allocations.version: a placement, a rebuild after a rollback, a task's end", () => {
    const allocations = h.core.allocations;
    const start = allocations.version;
    const { tasks } = h.core.workloads.submit({
      name: "w",
      owner: "alice",
      roles: [role({ resources: { cpuMilli: 1000, memoryMiB: 64, gpu: 0 } })],
    });
    assert.equal(h.core.placement.runOnce(), 1);
    const placed = allocations.version;
    assert.ok(placed > start, "a placement");
    allocations.invalidate();
    const rebuilt = allocations.version;
    assert.ok(rebuilt > placed, "a rebuild (after a rolled-back transaction) of a busy node");
    const t = h.store.tasks.byId((tasks[0] as Task).id) as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "succeeded", exitCode: 0 }));
    const ended = allocations.version;
    assert.ok(ended > rebuilt, "a task's end");
    assert.equal(allocations.version, ended, "a read does not");
  });
});
