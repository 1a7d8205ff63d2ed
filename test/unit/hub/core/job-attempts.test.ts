import assert from "node:assert/strict";
import { createCore } from "../../../../hub/core/index";
import type { Node, Task, TaskRole, Workload } from "../../../../hub/core/model";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, newCore, OPTIONS, readyNode, report, role, type Harness } from "./harness";

/**
 * Whole-workload attempts are a core fact: the lifecycle keeps each failed attempt of any workload
 * (not only OpenPAI jobs) when it retries, in the retry's transaction.
 */
describe("core job attempts", () => {
  let h: Harness;
  let node: Node;

  beforeEach(() => {
    h = newCore();
    node = readyNode(h.core, "n1");
  });
  afterEach(() => h.store.close());

  /** A workload as the native API submits it: no surface meta. Placed on `node`. */
  const submit = (roles: TaskRole[], maxJobAttempts: number): { w: Workload; tasks: Task[] } => {
    const { workload } = h.core.workloads.submit({ name: "train", owner: "alice", roles, maxJobAttempts });
    h.core.placement.runOnce();
    return { w: workload, tasks: h.core.workloads.tasks(workload.id) };
  };
  const run = (t: Task) =>
    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: t.attempt, state: "running" }));
  const fail = (t: Task, exitCode: number) =>
    h.core.lifecycle.applyReport(node.id, report(t.id, { attempt: t.attempt, state: "failed", exitCode }));
  const placedAgain = (w: Workload): Task[] => {
    h.core.placement.runOnce();
    return h.core.workloads.tasks(w.id);
  };

  it("keeps a retried workload's failed attempt, its live tasks shown stopped by the retry", () => {
    const { w, tasks } = submit([role({ instances: 2 })], 2);
    assert.deepEqual(h.core.workloads.attempts(w.id), [], "nothing kept before a retry");
    for (const t of tasks) run(t);
    h.clock.advance(5_000);
    fail(tasks[0] as Task, 3);
    assert.equal(h.core.workloads.find(w.id)?.jobAttempt, 2);

    const past = h.core.workloads.attempts(w.id);
    assert.equal(past.length, 1);
    const first = past[0]!;
    assert.deepEqual(
      [first.workloadId, first.attempt, first.startedAt, first.finishedAt],
      [w.id, 1, w.createdAt, h.clock.now()],
    );
    assert.deepEqual(
      first.tasks.map((t) => [t.index, t.attempt, t.state, t.exitCode, t.nodeId, t.finishedAt]),
      [
        [0, 1, "failed", 3, node.id, h.clock.now()],
        [1, 1, "stopped", null, node.id, h.clock.now()],
      ],
    );
    // The live tasks were reset for attempt 2; the kept copy is not.
    assert.deepEqual(
      h.core.workloads.tasks(w.id).map((t) => [t.state, t.attempt, t.nodeId]),
      [
        ["pending", 2, null],
        ["pending", 2, null],
      ],
    );
  });

  it("chains attempts (each begins when the last ended) and keeps none for the final failure", () => {
    const { w, tasks } = submit([role()], 3);
    run(tasks[0] as Task);
    h.clock.advance(1_000);
    fail(tasks[0] as Task, 1);
    const second = placedAgain(w);
    run(second[0] as Task);
    h.clock.advance(2_000);
    fail(second[0] as Task, 2);
    const third = placedAgain(w);
    run(third[0] as Task);
    h.clock.advance(3_000);
    fail(third[0] as Task, 3);

    const done = h.core.workloads.find(w.id) as Workload;
    assert.deepEqual([done.state, done.jobAttempt], ["failed", 3]);
    const past = h.core.workloads.attempts(w.id);
    assert.deepEqual(
      past.map((a) => [a.attempt, a.tasks[0]?.exitCode, a.tasks[0]?.attempt]),
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      "the last attempt is the workload itself",
    );
    assert.equal(past[1]?.startedAt, past[0]?.finishedAt);
    assert.equal((past[1]?.finishedAt ?? 0) - (past[0]?.finishedAt ?? 0), 2_000);
  });

  it("keeps nothing for a workload without whole-workload retries", () => {
    const { w, tasks } = submit([role()], 1);
    run(tasks[0] as Task);
    fail(tasks[0] as Task, 1);
    assert.equal(h.core.workloads.find(w.id)?.state, "failed");
    assert.deepEqual(h.core.workloads.attempts(w.id), []);
  });

  it("keeps the attempt and starts the next one atomically: a failed write retries nothing", () => {
    const real = openSqliteStore(":memory:");
    const broken: Store = {
      ...real,
      jobAttempts: {
        ...real.jobAttempts,
        insert: () => {
          throw new Error("disk full");
        },
      },
    };
    const core = createCore(broken, new FakeClock(), OPTIONS);
    try {
      const n = readyNode(core, "n1");
      const { workload } = core.workloads.submit({
        name: "t",
        owner: "alice",
        roles: [role()],
        maxJobAttempts: 2,
      });
      core.placement.runOnce();
      const t = core.workloads.tasks(workload.id)[0] as Task;
      core.lifecycle.applyReport(n.id, report(t.id, { state: "running" }));
      assert.throws(
        () => core.lifecycle.applyReport(n.id, report(t.id, { state: "failed", exitCode: 1 })),
        /disk full/,
      );
      const after = core.workloads.find(workload.id) as Workload;
      assert.deepEqual([after.state, after.jobAttempt], ["running", 1], "the workload did not move on");
      assert.deepEqual(
        core.workloads.tasks(workload.id).map((x) => [x.state, x.attempt]),
        [["running", 1]],
        "the task's failure rolled back with it",
      );
    } finally {
      real.close();
    }
  });
});
