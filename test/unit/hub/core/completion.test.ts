import assert from "node:assert/strict";
import type { Node, Task, TaskRole, Workload } from "../../../../hub/core/model";
import { newCore, readyNode, report, role, type Harness } from "./harness";

describe("core completion policy and whole-workload retries", () => {
  let h: Harness;
  let node: Node;

  beforeEach(() => {
    h = newCore();
    node = readyNode(h.core, "n1");
  });
  afterEach(() => h.store.close());

  const submit = (roles: TaskRole[], maxJobAttempts = 1): { w: Workload; tasks: Task[] } => {
    const { workload } = h.core.workloads.submit({ name: "job", owner: "alice", roles, maxJobAttempts });
    h.core.placement.runOnce();
    return { w: workload, tasks: h.core.workloads.tasks(workload.id) };
  };
  const state = (id: string) => h.core.workloads.find(id)?.state;
  const taskState = (id: string) => h.store.tasks.byId(id)?.state;
  const run = (t: Task) =>
    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: t.attempt, state: "running" }));
  const exit = (t: Task, code: number) =>
    h.core.lifecycle.applyReport(
      node.id,
      report(t.id, { attempt: t.attempt, state: code === 0 ? "succeeded" : "failed", exitCode: code }),
    );

  it("succeeds once a role reaches minSucceeded, stopping the other roles' tasks", () => {
    const { w, tasks } = submit([
      role({ name: "ps", instances: 1, completion: { minFailed: 1, minSucceeded: -1 } }),
      role({ name: "worker", instances: 2, completion: { minFailed: 1, minSucceeded: 2 } }),
    ]);
    for (const t of tasks) run(t);
    const [ps, w1, w2] = [
      tasks.find((t) => t.role === "ps"),
      ...tasks.filter((t) => t.role === "worker"),
    ] as Task[];
    exit(w1 as Task, 0);
    assert.equal(state(w.id), "running");
    exit(w2 as Task, 0);
    assert.equal(state(w.id), "succeeded");
    assert.deepEqual(h.core.desired.forNode(node.id), [], "the ps task leaves its node's desired set");
    h.core.lifecycle.applyReport(node.id, report((ps as Task).id, { state: "stopped" }));
    assert.equal(taskState((ps as Task).id), "stopped");
    assert.equal(state(w.id), "succeeded");
  });

  it("tolerates failures below minFailed and fails the workload when it is reached", () => {
    const { w, tasks } = submit([role({ instances: 3, completion: { minFailed: 2, minSucceeded: -1 } })]);
    for (const t of tasks) run(t);
    exit(tasks[0] as Task, 1);
    assert.equal(state(w.id), "running");
    exit(tasks[1] as Task, 1);
    assert.equal(state(w.id), "failed");
  });

  it("with minFailed -1, ends succeeded once every task completed, even after failures", () => {
    const { w, tasks } = submit([role({ instances: 2, completion: { minFailed: -1, minSucceeded: -1 } })]);
    for (const t of tasks) run(t);
    exit(tasks[0] as Task, 1);
    assert.equal(state(w.id), "running");
    exit(tasks[1] as Task, 0);
    assert.equal(state(w.id), "succeeded");
  });

  it("retries the whole workload: every task comes back as its next attempt", () => {
    const { w, tasks } = submit([role({ instances: 2 })], 2);
    for (const t of tasks) run(t);
    exit(tasks[0] as Task, 3);
    const retried = h.core.workloads.find(w.id) as Workload;
    assert.equal(retried.state, "pending");
    assert.equal(retried.jobAttempt, 2);
    const again = h.core.workloads.tasks(w.id);
    assert.deepEqual(
      again.map((t) => [t.state, t.attempt]),
      [
        ["pending", 2],
        ["pending", 2],
      ],
    );
    assert.deepEqual(h.core.desired.forNode(node.id), [], "attempt-1 containers leave the node");
    h.core.placement.runOnce();
    const placed = h.core.workloads.tasks(w.id);
    for (const t of placed) run(t);
    exit(placed[0] as Task, 3);
    const final = h.core.workloads.find(w.id) as Workload;
    assert.equal(final.state, "failed", "no attempts left");
    assert.equal(final.jobAttempt, 2);
    assert.ok(
      h.core.workloads.events(w.id).some((e) => e.reason === "Retrying" && /attempt 2 of 2/.test(e.message)),
    );
  });

  it("does not retry a stopped workload", () => {
    const { w, tasks } = submit([role()], 3);
    run(tasks[0] as Task);
    h.core.workloads.stop(h.core.workloads.find(w.id) as Workload);
    h.core.lifecycle.applyReport(node.id, report((tasks[0] as Task).id, { state: "stopped" }));
    assert.equal(state(w.id), "stopped");
    assert.equal(h.core.workloads.find(w.id)?.jobAttempt, 1);
  });
});
