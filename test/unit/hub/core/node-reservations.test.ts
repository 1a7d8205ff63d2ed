import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Core } from "../../../../hub/core/index";
import type { User } from "../../../../hub/core/model";
import { newCore, readyNode, report, role, type Harness } from "./harness";

/** core.nodeReservations: a node leased whole to one user, honoured by the placement loop. */
describe("core: node reservations", () => {
  let h: Harness;
  let core: Core;
  let alice: User;
  const submit = (owner: string, nodeId?: string) =>
    core.workloads.submit({
      name: `w-${owner}-${nodeId ?? "any"}`,
      owner,
      roles: [role(nodeId === undefined ? {} : { nodeId })],
    }).workload;
  const task = (workloadId: string) => core.workloads.tasks(workloadId)[0]!;

  beforeEach(async () => {
    h = newCore();
    core = h.core;
    alice = await core.users.create({ username: "alice", password: "alice-password-1" });
    await core.users.create({ username: "bob", password: "bob-password-1" });
  });
  afterEach(() => h.store.close());

  it("reserves the first free node by name and never a node that runs work", () => {
    const a = readyNode(core, "a");
    readyNode(core, "b");
    const w = submit("bob");
    core.placement.runOnce();
    assert.equal(task(w.id).nodeId, a.id, "bob's task took node a");
    const r = core.nodeReservations.reserve(alice, { name: "s1", fits: () => true });
    assert.equal(core.nodes.byId(r.nodeId).name, "b");
    assert.throws(
      () => core.nodeReservations.reserve(alice, { name: "s2", fits: () => true }),
      /all 2 node\(s\) of the requested shape are busy/,
    );
    assert.throws(
      () => core.nodeReservations.reserve(alice, { name: "s3", fits: () => false }),
      /no node has/,
    );
  });

  it("places only the holder's pinned tasks on the reserved node", () => {
    const a = readyNode(core, "a");
    const r = core.nodeReservations.reserve(alice, { name: "s1", fits: () => true });
    const other = submit("bob");
    const unpinned = submit("alice");
    const intruder = submit("bob", a.id);
    const mine = submit("alice", a.id);
    core.placement.runOnce();
    assert.equal(task(mine.id).state, "assigned");
    for (const w of [other, unpinned, intruder]) {
      assert.equal(task(w.id).state, "pending");
      assert.match(String(task(w.id).reason), /reserved as a Lite Server/);
    }
    core.nodeReservations.release(r);
    core.placement.runOnce();
    assert.equal(task(other.id).state, "assigned", "released: anyone's work lands again");
  });

  it("stop evicts pinned work and cordons; start uncordons; release after stop uncordons too", () => {
    const a = readyNode(core, "a");
    let r = core.nodeReservations.reserve(alice, { name: "s1", fits: () => true });
    const mine = submit("alice", a.id);
    core.placement.runOnce();
    core.lifecycle.applyReport(a.id, report(task(mine.id).id));
    assert.equal(task(mine.id).state, "running");
    r = core.nodeReservations.stop(r);
    assert.equal(core.nodes.byId(a.id).schedulable, false);
    assert.equal(core.nodeReservations.state(r).stopping, 1, "the pinned task is being stopped");
    core.lifecycle.applyReport(a.id, report(task(mine.id).id, { state: "stopped", exitCode: 137 }));
    assert.deepEqual([task(mine.id).state, task(mine.id).attempt], ["pending", 2], "requeued, not failed");
    assert.equal(core.nodeReservations.state(r).stopping, 0);
    assert.throws(() => core.nodeReservations.stop(r), /stopped already/);
    assert.throws(() => core.nodeReservations.reboot(r), /start it first/);
    r = core.nodeReservations.start(r);
    assert.equal(core.nodes.byId(a.id).schedulable, true);
    core.placement.runOnce();
    assert.equal(task(mine.id).state, "assigned");
    r = core.nodeReservations.stop(r);
    core.nodeReservations.release(r);
    assert.equal(core.nodes.byId(a.id).schedulable, true);
    assert.equal(core.nodeReservations.forNode(a.id), undefined);
  });

  it("reboot restarts each running task on the node as its next attempt", () => {
    const a = readyNode(core, "a");
    const r = core.nodeReservations.reserve(alice, { name: "s1", fits: () => true });
    const mine = submit("alice", a.id);
    core.placement.runOnce();
    core.lifecycle.applyReport(a.id, report(task(mine.id).id));
    assert.equal(core.nodeReservations.reboot(r), 1);
    core.lifecycle.applyReport(a.id, report(task(mine.id).id, { state: "stopped", exitCode: 137 }));
    core.placement.runOnce();
    assert.deepEqual(
      [task(mine.id).state, task(mine.id).attempt, task(mine.id).nodeId],
      ["assigned", 2, a.id],
    );
  });

  it("keeps a reservation across a restart of the store (migration 027)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-reservations-"));
    const first = newCore(dir);
    const holder = await first.core.users.create({ username: "carol", password: "carol-password-1" });
    readyNode(first.core, "a");
    const r = first.core.nodeReservations.reserve(holder, {
      name: "s1",
      fits: () => true,
      meta: { x: { y: 1 } },
    });
    first.core.nodeReservations.rename(r, "renamed");
    first.store.close();
    const second = newCore(dir);
    const back = second.core.nodeReservations.find(r.id);
    assert.deepEqual(
      [back?.name, back?.holderId, back?.nodeId, back?.stopped, back?.meta],
      ["renamed", holder.id, r.nodeId, false, { x: { y: 1 } }],
    );
    second.store.close();
  });
});
