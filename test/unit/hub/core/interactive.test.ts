import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConflictError, ValidationError } from "../../../../hub/core/errors";
import { createCore, type Core } from "../../../../hub/core/index";
import type { Node, Task, Workload } from "../../../../hub/core/model";
import type { Store } from "../../../../hub/core/repositories";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { FakeClock, OPTIONS, readyNode, report, role } from "./harness";

const VOLUMES = [{ name: "work", mountPath: "/home/work" }];

describe("core interactive workloads: stop, start again, volumes, lease", () => {
  let store: Store;
  let clock: FakeClock;
  let core: Core;
  let n1: Node;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    clock = new FakeClock();
    core = createCore(store, clock, OPTIONS);
    n1 = readyNode(core, "n1");
  });
  afterEach(() => store.close());

  const notebook = (over: { leaseMs?: number; volumes?: typeof VOLUMES } = {}): Workload =>
    core.workloads.submit({
      name: "nb",
      owner: "alice",
      kind: "interactive",
      roles: [role({ command: ["sleep", "1d"], volumes: over.volumes ?? VOLUMES })],
      ...(over.leaseMs !== undefined ? { leaseMs: over.leaseMs } : {}),
    }).workload;
  const taskOf = (w: Workload): Task => core.workloads.tasks(w.id)[0] as Task;
  const get = (w: Workload): Workload => core.workloads.resolve(w.id);
  /** Places the task and has its agent report it running. */
  const run = (w: Workload): Task => {
    core.placement.runOnce();
    const t = taskOf(w);
    assert.ok(t.nodeId, "placed");
    core.lifecycle.applyReport(t.nodeId, report(t.id, { attempt: t.attempt, startedAt: clock.now() }));
    return taskOf(w);
  };
  /** Asks for a stop and has the agent confirm it. */
  const stopped = (w: Workload): Workload => {
    const t = taskOf(w);
    core.workloads.stop(get(w));
    if (t.nodeId) {
      core.lifecycle.applyReport(
        t.nodeId,
        report(t.id, { attempt: t.attempt, state: "stopped", exitCode: 143 }),
      );
    }
    return get(w);
  };

  it("starts a stopped workload again with the same identity, its tasks as their next attempt", () => {
    const w = notebook();
    const first = run(w);
    assert.equal(stopped(w).state, "stopped");
    const again = core.workloads.start(get(w));
    assert.deepEqual(
      [again.id, again.name, again.owner, again.quotaUnitId, again.state, again.ending, again.finishedAt],
      [w.id, w.name, w.owner, w.quotaUnitId, "pending", null, null],
    );
    const t = taskOf(w);
    assert.deepEqual(
      [t.id, t.attempt, t.state, t.nodeId, t.containerId],
      [first.id, 2, "pending", null, null],
    );
    assert.ok(core.workloads.events(w.id).some((e) => e.reason === "Restarted"));
    assert.equal(run(w).state, "running");
    assert.equal(get(w).state, "running");
  });

  it("gives each start its own retry budget", () => {
    const w = core.workloads.submit({
      name: "retrying",
      owner: "alice",
      kind: "interactive",
      roles: [role({ maxAttempts: 2 })],
    }).workload;
    const fail = () => {
      const t = run(w);
      core.lifecycle.applyReport(
        t.nodeId ?? "",
        report(t.id, { attempt: t.attempt, state: "failed", exitCode: 1 }),
      );
      return taskOf(w);
    };
    assert.deepEqual([fail().attempt, taskOf(w).state], [2, "pending"], "first start: one retry");
    stopped(w);
    core.workloads.start(get(w));
    assert.equal(taskOf(w).attempt, 3);
    assert.deepEqual([fail().attempt, taskOf(w).state], [4, "pending"], "second start: its own retry");
    fail();
    assert.equal(get(w).state, "failed", "and no more than that");
  });

  it("refuses to start a live workload or one that is not interactive", () => {
    const w = notebook();
    run(w);
    assert.throws(() => core.workloads.start(get(w)), ConflictError);
    const batch = core.workloads.submit({ name: "b", owner: "alice", roles: [role()] }).workload;
    core.workloads.stop(batch);
    assert.throws(() => core.workloads.start(get(batch)), /only interactive workloads start again/);
  });

  it("pins a task with volumes to the node that holds them; one without volumes goes anywhere", () => {
    const withVolumes = notebook();
    const scratch = notebook({ volumes: [] });
    assert.equal(run(withVolumes).volumeNodeId, n1.id, "bound to the node that made its container");
    assert.equal(run(scratch).volumeNodeId, null);
    stopped(withVolumes);
    stopped(scratch);
    readyNode(core, "n2");
    core.nodes.setStatus(n1.id, "notready");
    core.workloads.start(get(withVolumes));
    core.workloads.start(get(scratch));
    core.placement.runOnce();
    assert.equal(taskOf(scratch).state, "assigned", "no volumes: placed on n2");
    const waiting = taskOf(withVolumes);
    assert.equal(waiting.state, "pending");
    assert.match(waiting.reason ?? "", /none of 1 matching node is ready/, "pinned to n1 alone");
    core.nodes.setStatus(n1.id, "ready");
    core.placement.runOnce();
    assert.deepEqual([taskOf(withVolumes).state, taskOf(withVolumes).nodeId], ["assigned", n1.id]);
  });

  it("stops the workload when its lease expires, by the clock, not before", () => {
    const w = notebook({ leaseMs: 60_000 });
    run(w);
    clock.advance(59_999);
    assert.equal(get(w).ending, null, "still running one ms before the deadline");
    clock.advance(1);
    assert.deepEqual([get(w).ending, get(w).state], ["stop", "stopping"]);
    assert.ok(core.workloads.events(w.id).some((e) => e.reason === "LeaseExpired"));
  });

  it("prolongs a lease, replaces it, and grants it again on each start", () => {
    const w = notebook({ leaseMs: 60_000 });
    run(w);
    clock.advance(30_000);
    assert.equal(core.workloads.prolongLease(get(w), 60_000).lease?.expiresAt, clock.now() + 90_000);
    clock.advance(89_999);
    assert.equal(get(w).ending, null, "prolonged: the first deadline passed without a stop");
    core.workloads.setLease(get(w), 10_000);
    clock.advance(9_999);
    assert.equal(get(w).ending, null);
    clock.advance(1);
    assert.equal(get(w).ending, "stop");
    stopped(w);
    assert.throws(() => core.workloads.prolongLease(get(w), 1_000), /lease is not running/);
    const again = core.workloads.start(get(w));
    assert.deepEqual(again.lease, { durationMs: 10_000, expiresAt: clock.now() + 10_000 });
    run(w);
    clock.advance(10_000);
    assert.equal(get(w).ending, "stop", "the renewed lease expired too");
  });

  it("removing the lease keeps the workload running past the old deadline", () => {
    const w = notebook({ leaseMs: 1_000 });
    run(w);
    core.workloads.setLease(get(w), null);
    clock.advance(60_000);
    assert.equal(get(w).ending, null);
    assert.equal(get(w).lease, null);
  });

  it("keeps leases across a hub restart: a new core arms them again from the store", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-lease-"));
    const disk = openSqliteStore(dir);
    try {
      const first = createCore(disk, clock, OPTIONS);
      readyNode(first, "d1");
      const w = first.workloads.submit({
        name: "nb",
        owner: "alice",
        kind: "interactive",
        roles: [role()],
        leaseMs: 5_000,
      }).workload;
      const later = new FakeClock(clock.now());
      const second = createCore(disk, later, OPTIONS);
      later.advance(5_000);
      assert.equal(second.workloads.resolve(w.id).ending, "stop");
    } finally {
      disk.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a lease on work that is not interactive, and volumes it could not mount", () => {
    assert.throws(
      () => core.workloads.submit({ name: "b", owner: "a", roles: [role()], leaseMs: 1_000 }),
      (e: unknown) => e instanceof ValidationError && e.field === "lease",
    );
    for (const volumes of [
      [{ name: "Work", mountPath: "/w" }],
      [{ name: "w", mountPath: "relative" }],
      [{ name: "w", mountPath: "/" }],
      [
        { name: "w", mountPath: "/a" },
        { name: "w", mountPath: "/b" },
      ],
      [
        { name: "a", mountPath: "/a" },
        { name: "b", mountPath: "/a" },
      ],
    ]) {
      assert.throws(
        () =>
          core.workloads.submit({ name: "v", owner: "a", kind: "interactive", roles: [role({ volumes })] }),
        ValidationError,
        JSON.stringify(volumes),
      );
    }
  });

  it("sends the role's volumes to the agent in the desired task", () => {
    const w = notebook();
    core.placement.runOnce();
    const [desired] = core.desired.forNode(n1.id);
    assert.equal(desired?.workloadId, w.id);
    assert.deepEqual(desired?.volumes, VOLUMES);
  });
});
