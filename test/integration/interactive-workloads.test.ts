import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface WorkloadJson {
  id: string;
  name: string;
  owner: string;
  kind: string;
  state: string;
  volumes: { name: string; mountPath: string }[];
  lease: { durationSec: number; expiresAt: string } | null;
  tasks: { id: string; attempt: number; state: string; node: string | null; volumeNodeId: string | null }[];
}
interface ErrorJson {
  code: string;
  message: string;
  field?: string;
}

const V1 = "/api/corral/v1";

describe("integration: interactive workloads stop and start again (native API, FakeRuntime)", () => {
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const runtimes = new Map<string, FakeRuntime>();

  const get = async (id: string) => (await hub.api<WorkloadJson>("GET", `${V1}/workloads/${id}`)).body;
  const until = (id: string, state: string) =>
    waitFor(async () => {
      const w = await get(id);
      return w.state === state ? w : null;
    }, `workload ${state}`);

  before(async () => {
    hub = await startTestHub();
    for (const name of ["a1", "a2"]) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      agents.push(startTestAgent(hub, { name, runtime }));
    }
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("keeps the id and the named volume, on the node that holds it, across stop and start", async () => {
    // a1 (first by name) is cordoned so the first run lands on a2; without the volume pin the
    // second run would go back to a1.
    assert.equal((await hub.api("POST", `${V1}/nodes/a1/cordon`)).status, 200);
    const res = await hub.api<WorkloadJson>("POST", `${V1}/workloads`, {
      name: "notebook",
      image: "fake",
      kind: "interactive",
      volumes: [{ name: "work", mountPath: "/home/work" }],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.volumes, [{ name: "work", mountPath: "/home/work" }]);
    const first = await until(res.body.id, "running");
    const task = first.tasks[0];
    assert.equal(task?.node, "a2");
    assert.deepEqual(
      runtimes
        .get("a2")
        ?.volumes()
        .map((v) => v.name),
      [`corral-${task?.id}-work`],
    );
    assert.equal((await hub.api("POST", `${V1}/nodes/a1/uncordon`)).status, 200);

    const stop = await hub.api<WorkloadJson>("POST", `${V1}/workloads/${res.body.id}/stop`);
    assert.equal(stop.status, 202);
    await until(res.body.id, "stopped");
    const early = await hub.api<ErrorJson>("POST", `${V1}/workloads/${res.body.id}/start`, { leaseSec: 0 });
    assert.equal(early.status, 400);
    assert.equal(early.body.field, "leaseSec");

    const start = await hub.api<WorkloadJson>("POST", `${V1}/workloads/${res.body.id}/start`);
    assert.equal(start.status, 202, JSON.stringify(start.body));
    assert.equal(start.body.id, res.body.id);
    const again = await until(res.body.id, "running");
    assert.deepEqual(
      [again.name, again.owner, again.tasks[0]?.id, again.tasks[0]?.attempt, again.tasks[0]?.node],
      [first.name, first.owner, task?.id, 2, "a2"],
    );
    assert.equal(runtimes.get("a2")?.volumes().length, 1, "the same volume mounted again");
    assert.deepEqual(runtimes.get("a1")?.volumes(), []);

    const twice = await hub.api<ErrorJson>("POST", `${V1}/workloads/${res.body.id}/start`);
    assert.equal(twice.status, 409);
    assert.match(twice.body.message, /is running/);
  });

  it("takes a lease, prolongs and removes it; refuses one on batch work", async () => {
    const res = await hub.api<WorkloadJson>("POST", `${V1}/workloads`, {
      name: "leased",
      image: "fake",
      kind: "interactive",
      leaseSec: 3600,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.lease?.durationSec, 3600);
    const deadline = Date.parse(res.body.lease?.expiresAt ?? "");
    const prolonged = await hub.api<WorkloadJson>("POST", `${V1}/workloads/${res.body.id}/lease/prolong`, {
      bySec: 600,
    });
    assert.equal(prolonged.status, 200, JSON.stringify(prolonged.body));
    assert.equal(Date.parse(prolonged.body.lease?.expiresAt ?? ""), deadline + 600_000);
    const removed = await hub.api<WorkloadJson>("PUT", `${V1}/workloads/${res.body.id}/lease`, {
      durationSec: null,
    });
    assert.equal(removed.body.lease, null);

    const batch = await hub.api<ErrorJson>("POST", `${V1}/workloads`, {
      name: "b",
      image: "fake",
      leaseSec: 60,
    });
    assert.equal(batch.status, 400);
    assert.equal(batch.body.field, "lease");
  });

  it("stops a workload whose lease expires (1 s lease, real clock)", async () => {
    const res = await hub.api<WorkloadJson>("POST", `${V1}/workloads`, {
      name: "short",
      image: "fake",
      kind: "interactive",
      leaseSec: 1,
    });
    await until(res.body.id, "stopped");
    const events = await hub.api<{ items: { reason: string }[] }>(
      "GET",
      `${V1}/workloads/${res.body.id}/events`,
    );
    assert.ok(events.body.items.some((e) => e.reason === "LeaseExpired"));
  });
});
