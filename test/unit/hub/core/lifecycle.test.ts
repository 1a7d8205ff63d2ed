import assert from "node:assert/strict";
import type { Node, Task, TaskRole, Workload } from "../../../../hub/core/model";
import { newCore, readyNode, report, role, type Harness } from "./harness";

describe("core task lifecycle", () => {
  let h: Harness;
  let node: Node;

  beforeEach(() => {
    h = newCore();
    node = readyNode(h.core, "n1");
  });

  afterEach(() => h.store.close());

  /** Submits and places a workload; returns it with its tasks (all assigned to `node`). */
  function placed(
    roles: TaskRole[] = [role()],
    extra: { disconnectTimeoutSec?: number } = {},
  ): { w: Workload; tasks: Task[] } {
    const { workload } = h.core.workloads.submit({ name: "job", owner: "alice", roles, ...extra });
    h.core.placement.runOnce();
    const tasks = h.core.workloads.tasks(workload.id);
    for (const t of tasks) assert.equal(t.state, "assigned");
    return { w: workload, tasks };
  }

  const workload = (id: string): Workload => {
    const w = h.core.workloads.find(id);
    assert.ok(w);
    return w;
  };
  const taskOf = (id: string): Task => {
    const t = h.store.tasks.byId(id);
    assert.ok(t);
    return t;
  };

  it("starting -> running -> succeeded makes the workload succeeded", () => {
    const { w, tasks } = placed();
    const t = tasks[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "starting" }));
    assert.equal(taskOf(t.id).state, "starting");
    assert.equal(workload(w.id).state, "running");
    h.core.lifecycle.applyReport(
      node.id,
      report(t.id, { state: "running", startedAt: 111, ip: "172.17.0.9" }),
    );
    assert.deepEqual(
      [taskOf(t.id).state, taskOf(t.id).startedAt, taskOf(t.id).ip],
      ["running", 111, "172.17.0.9"],
    );
    h.clock.advance(5000);
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "succeeded", exitCode: 0, finishedAt: 222 }));
    assert.deepEqual(
      [taskOf(t.id).state, taskOf(t.id).exitCode, taskOf(t.id).finishedAt],
      ["succeeded", 0, 222],
    );
    const done = workload(w.id);
    assert.equal(done.state, "succeeded");
    assert.equal(done.finishedAt, h.clock.now());
    assert.deepEqual(
      h.core.workloads.events(w.id).map((e) => e.reason),
      ["Submitted", "Scheduled", "Starting", "Running", "Started", "Succeeded", "Succeeded"],
    );
  });

  it("a non-zero exit fails the task and the workload", () => {
    const { w, tasks } = placed();
    const t = tasks[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id));
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "failed", exitCode: 3, message: "boom" }));
    assert.deepEqual(
      [taskOf(t.id).state, taskOf(t.id).exitCode, taskOf(t.id).message],
      ["failed", 3, "boom"],
    );
    const failed = workload(w.id);
    assert.deepEqual([failed.state, failed.ending], ["failed", "fail"]);
    assert.ok(failed.finishedAt !== null);
  });

  it("retries a failed attempt while role.maxAttempts allows, ignoring the old attempt's reports", () => {
    const { w, tasks } = placed([role({ maxAttempts: 2 })]);
    const t = tasks[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id));
    h.core.lifecycle.applyReport(node.id, report(t.id, { state: "failed", exitCode: 1 }));
    const retried = taskOf(t.id);
    assert.deepEqual(
      [retried.state, retried.attempt, retried.nodeId, retried.exitCode, retried.containerId],
      ["pending", 2, null, null, null],
    );
    assert.notEqual(workload(w.id).state, "failed");
    assert.equal(workload(w.id).ending, null);

    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: 1, state: "running" }));
    assert.equal(taskOf(t.id).state, "pending", "a late report of attempt 1 changes nothing");

    assert.equal(h.core.placement.runOnce(), 1);
    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: 2 }));
    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: 2, state: "failed", exitCode: 1 }));
    assert.deepEqual([taskOf(t.id).state, taskOf(t.id).attempt], ["failed", 2]);
    assert.equal(workload(w.id).state, "failed");
  });

  it("ignores reports from another node", () => {
    const other = h.core.nodes.join("default", "n2").node;
    const { tasks } = placed();
    const t = tasks[0] as Task;
    assert.equal(t.nodeId, node.id);
    h.core.lifecycle.applyReport(other.id, report(t.id, { state: "failed", exitCode: 1 }));
    h.core.lifecycle.applyReport(other.id, report(t.id));
    assert.equal(taskOf(t.id).state, "assigned");
    assert.equal(taskOf(t.id).containerId, null);
    h.core.lifecycle.applyReport(node.id, report("no-such-task"));
  });

  it("stop: a running workload is stopping until the agent reports stopped, then stopped", () => {
    const { w, tasks } = placed([role({ instances: 2 })]);
    const [a, b] = tasks as [Task, Task];
    h.core.lifecycle.applyReport(node.id, report(a.id));
    h.core.lifecycle.applyReport(node.id, report(b.id));
    const changed: string[] = [];
    h.core.signals.desiredChanged.on((id) => changed.push(id));
    const stopping = h.core.workloads.stop(workload(w.id));
    assert.deepEqual([stopping.state, stopping.ending], ["stopping", "stop"]);
    assert.deepEqual(changed, [node.id], "the node is told its desired set changed");
    assert.deepEqual(h.core.desired.forNode(node.id), []);
    h.core.lifecycle.applyReport(node.id, report(a.id, { state: "stopped", exitCode: 143 }));
    assert.equal(taskOf(a.id).state, "stopped");
    assert.equal(workload(w.id).state, "stopping");
    h.core.lifecycle.applyReport(node.id, report(b.id, { state: "stopped", exitCode: 143 }));
    assert.equal(workload(w.id).state, "stopped");
  });

  it("stop of a workload whose tasks are all pending stops it at once", () => {
    const { workload: w } = h.core.workloads.submit({
      name: "x",
      owner: "a",
      roles: [role({ resources: { cpuMilli: 1e6, memoryMiB: 0, gpu: 0 } })],
    });
    h.core.placement.runOnce();
    assert.equal(h.core.workloads.stop(w).state, "stopped");
    assert.equal(h.core.workloads.tasks(w.id)[0]?.state, "stopped");
  });

  it("a permanent failure ends the workload: failed, ending fail, other tasks stopped", () => {
    const { workload: w } = h.core.workloads.submit({
      name: "x",
      owner: "a",
      roles: [
        role({ name: "w", instances: 2 }),
        role({ name: "big", resources: { cpuMilli: 1e6, memoryMiB: 0, gpu: 0 } }),
      ],
    });
    h.core.placement.runOnce();
    const [big, w0, w1] = h.core.workloads.tasks(w.id) as [Task, Task, Task];
    assert.deepEqual([big.role, big.state, w0.state, w1.state], ["big", "pending", "assigned", "assigned"]);
    h.core.lifecycle.applyReport(node.id, report(w0.id));
    h.core.lifecycle.applyReport(node.id, report(w1.id));
    h.core.lifecycle.applyReport(node.id, report(w0.id, { state: "failed", exitCode: 2 }));
    const failed = workload(w.id);
    assert.deepEqual([failed.state, failed.ending], ["failed", "fail"]);
    assert.equal(taskOf(big.id).state, "stopped", "a pending task stops at once");
    assert.deepEqual(
      h.core.desired.forNode(node.id),
      [],
      "the running sibling leaves the node's desired set",
    );
    h.core.lifecycle.applyReport(node.id, report(w1.id, { state: "stopped", exitCode: 143 }));
    assert.equal(taskOf(w1.id).state, "stopped", "a stop the hub asked for is not a failure");
    assert.deepEqual([workload(w.id).state, workload(w.id).ending], ["failed", "fail"]);
  });

  it("an unrequested stop counts as a failed attempt", () => {
    const { w, tasks } = placed();
    h.core.lifecycle.applyReport(node.id, report((tasks[0] as Task).id, { state: "stopped" }));
    assert.equal(taskOf((tasks[0] as Task).id).state, "failed");
    assert.equal(workload(w.id).state, "failed");
  });

  it("markLost: tasks on a notready node are lost after disconnectTimeoutSec, not before", () => {
    const { w, tasks } = placed([role()], { disconnectTimeoutSec: 30 });
    const t = tasks[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id));
    h.core.nodes.setStatus(node.id, "notready");
    h.clock.advance(29_999);
    h.core.lifecycle.markLost();
    assert.equal(taskOf(t.id).state, "running");
    h.clock.advance(1);
    h.core.lifecycle.markLost();
    assert.equal(taskOf(t.id).state, "lost");
    assert.equal(workload(w.id).state, "failed");
  });

  it("markLost leaves tasks on a ready node alone however long", () => {
    const { tasks } = placed([role()], { disconnectTimeoutSec: 30 });
    h.clock.advance(3_600_000);
    h.core.lifecycle.markLost();
    assert.equal(taskOf((tasks[0] as Task).id).state, "assigned");
  });

  it("markLost counts from when the node stopped being ready, not from when it went down", () => {
    const { tasks } = placed([role()], { disconnectTimeoutSec: 120 });
    const t = tasks[0] as Task;
    h.core.lifecycle.applyReport(node.id, report(t.id));
    h.core.nodes.setStatus(node.id, "notready");
    h.clock.advance(60_000);
    h.core.nodes.markDownNodes();
    assert.equal(h.core.nodes.byId(node.id).status, "down");
    h.clock.advance(60_000);
    h.core.lifecycle.markLost();
    assert.equal(taskOf(t.id).state, "lost");
  });

  it("reconcileNode fails a started task the agent no longer reports, and keeps the reported ones", () => {
    const { w, tasks } = placed([role({ instances: 3 })]);
    const [a, b, c] = tasks as [Task, Task, Task];
    for (const t of [a, b]) h.core.lifecycle.applyReport(node.id, report(t.id));
    h.core.lifecycle.reconcileNode(node.id, [report(a.id)]);
    assert.equal(taskOf(a.id).state, "running");
    assert.equal(taskOf(b.id).state, "failed");
    assert.equal(taskOf(b.id).message, "the task's container is gone from its node");
    // The failure ends the workload: the task that was only assigned is stopped with it.
    assert.equal(taskOf(c.id).state, "stopped");
    assert.equal(workload(w.id).state, "failed");
  });

  it("stop of a workload whose task was assigned but never started stops it at once and frees the node", () => {
    const { w, tasks } = placed();
    const t = tasks[0] as Task;
    assert.equal(h.core.workloads.stop(workload(w.id)).state, "stopped");
    assert.equal(taskOf(t.id).state, "stopped");
    assert.deepEqual(h.core.desired.forNode(node.id), []);
    h.core.lifecycle.reconcileNode(node.id, []);
    assert.equal(workload(w.id).state, "stopped");
  });

  it("desired.forNode lists placed tasks with CORRAL_* env, and drops those of ending workloads", () => {
    const { w, tasks } = placed([
      role({
        env: { A: "1", CORRAL_TASK_ID: "spoofed" },
        ports: [{ name: "http", containerPort: 80, protocol: "tcp", hostPort: 0 }],
      }),
    ]);
    const t = tasks[0] as Task;
    const [d, ...rest] = h.core.desired.forNode(node.id);
    assert.equal(rest.length, 0);
    assert.deepEqual(d?.env, {
      A: "1",
      CORRAL_WORKLOAD_ID: w.id,
      CORRAL_WORKLOAD_NAME: "job",
      CORRAL_TASK_ID: t.id,
      CORRAL_TASK_ROLE: "main",
      CORRAL_TASK_INDEX: "0",
      CORRAL_TASK_ATTEMPT: "1",
    });
    assert.deepEqual(
      [d?.taskId, d?.attempt, d?.name, d?.image, d?.cpuMilli, d?.memoryMiB, d?.stopGraceSec],
      [t.id, 1, "job-main-0", "busybox", 1000, 512, 10],
    );
    assert.deepEqual(h.core.desired.forNode("other-node"), []);
    h.core.workloads.stop(workload(w.id));
    assert.deepEqual(h.core.desired.forNode(node.id), []);
  });
});
