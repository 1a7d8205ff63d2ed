import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";
interface WorkloadJson {
  state: string;
  tasks: { attempt: number; state: string; node: string | null }[];
}

/** Draining a node: it is cordoned and its tasks start again elsewhere, not failed. */
describe("integration: node drain (native API, FakeRuntime)", function () {
  this.timeout(30_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];

  before(async () => {
    hub = await startTestHub();
    for (const name of ["d1", "d2"]) agents.push(startTestAgent(hub, { name }));
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("cordons the node and moves a running task to another node as its next attempt", async () => {
    assert.equal((await hub.api("POST", `${V1}/nodes/d2/cordon`)).status, 200);
    const res = await hub.api<{ id: string }>("POST", `${V1}/workloads`, {
      name: "moved",
      image: "fake",
      stopGraceSec: 1,
    });
    assert.equal(res.status, 201, res.text);
    const id = res.body.id;
    const get = async () => (await hub.api<WorkloadJson>("GET", `${V1}/workloads/${id}`)).body;
    await waitFor(async () => ((await get()).tasks[0]?.state === "running" ? true : null), "running on d1");
    assert.equal((await get()).tasks[0]?.node, "d1");
    assert.equal((await hub.api("POST", `${V1}/nodes/d2/uncordon`)).status, 200);

    const drained = await hub.api<{ schedulable: boolean; evicted: number; pinned: number }>(
      "POST",
      `${V1}/nodes/d1/drain`,
    );
    assert.equal(drained.status, 200, drained.text);
    assert.deepEqual([drained.body.schedulable, drained.body.evicted, drained.body.pinned], [false, 1, 0]);
    const moved = await waitFor(async () => {
      const w = await get();
      return w.tasks[0]?.state === "running" && w.tasks[0]?.node === "d2" ? w : null;
    }, "running again on d2");
    assert.equal(moved.tasks[0]?.attempt, 2);
    assert.equal(moved.state, "running", "an eviction is not a failure");
    const events = await hub.api<{ items: { reason: string }[] }>("GET", `${V1}/workloads/${id}/events`);
    assert.ok(
      events.body.items.some((e) => e.reason === "Evicted"),
      events.text,
    );

    const user = await hub.api("POST", `${V1}/users`, { username: "not-admin", password: "not-admin-pass" });
    assert.equal(user.status, 201, user.text);
    const login = await hub.api<{ token: string }>(
      "POST",
      `${V1}/auth/login`,
      { username: "not-admin", password: "not-admin-pass" },
      null,
    );
    assert.equal((await hub.api("POST", `${V1}/nodes/d2/drain`, undefined, login.body.token)).status, 403);
  });
});
