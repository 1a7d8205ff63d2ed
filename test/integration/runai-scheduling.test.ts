import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { createHardwareCollector } from "../../agent/hardware";
import type { HardwareSource } from "../../agent/link/hub-link";
import { fakeNvidiaSmiPath, setFakeEnv, nvidiaSmiFixture } from "../helpers/fixtures";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Task {
  state: string;
  node: string | null;
  gpus: string[];
  reason: string | null;
}
interface Workload {
  id: string;
  state: string;
  preemptions: number;
  tasks: Task[];
}

/** A node's inventory and one sample replayed from a recorded nvidia-smi capture. */
async function recorded(fixture: string): Promise<HardwareSource> {
  setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: nvidiaSmiFixture(fixture) });
  try {
    const c = createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() });
    const inventory = await c.inventory();
    const sample = await c.sample();
    return { inventory: async () => inventory, sample: async () => sample };
  } finally {
    setFakeEnv({});
  }
}

describe("integration: Run:ai fair-share scheduling across agents (FakeRuntime, recorded GPUs)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let clusterId = "";
  const agents: RunningAgent[] = [];
  const live: string[] = [];

  const project = async (name: string, resources: unknown[], parentId?: string) => {
    const res = await hub.api<{ id: string }>("POST", "/api/v1/org-unit/projects", {
      name,
      clusterId,
      resources,
      ...(parentId ? { parentId } : {}),
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const gpu = (pool: string, deserved: number, limit = -1, overQuotaWeight = 1) => ({
    nodePool: { id: pool },
    gpu: { deserved, limit, overQuotaWeight },
  });
  const submit = async (name: string, body: Record<string, unknown>) => {
    const res = await hub.api<Workload>("POST", "/api/corral/v1/workloads", {
      name,
      image: "fake",
      resources: { gpu: 1 },
      env: { FAKE_RUN_FOR_MS: "-1" },
      // Most scenarios pin the pool; work naming none follows the project's defaultNodePools.
      nodePool: "default",
      ...body,
    });
    assert.equal(res.status, 201, res.text);
    live.push(res.body.id);
    return res.body.id;
  };
  const get = async (id: string) => (await hub.api<Workload>("GET", `/api/corral/v1/workloads/${id}`)).body;
  const running = async (id: string) => (await get(id)).tasks.filter((t) => t.state === "running").length;
  const settle = async (id: string, n: number, what: string) => {
    try {
      await waitFor(async () => (await running(id)) === n, `${what}: ${n} running`);
    } catch (err) {
      const all = (await hub.api<{ items: Workload[] }>("GET", "/api/corral/v1/workloads")).body.items;
      throw new Error(
        `${(err as Error).message}\n${JSON.stringify(all.map((w) => [w.state, w.tasks.map((t) => [t.state, t.reason])]))}`,
      );
    }
  };
  const stopAll = async () => {
    for (const id of live.splice(0)) await hub.api("POST", `/api/corral/v1/workloads/${id}/stop`);
    await waitFor(async () => {
      const w = (await hub.api<{ items: Workload[] }>("GET", "/api/corral/v1/workloads")).body.items;
      return w.every((x) => ["stopped", "succeeded", "failed"].includes(x.state));
    }, "every workload stopped");
  };

  before(async () => {
    hub = await startTestHub();
    clusterId = (await hub.api<{ items: { id: string; name: string }[] }>("GET", "/api/corral/v1/clusters"))
      .body.items[0]?.id as string;
    const pool = await hub.api("POST", "/api/corral/v1/node-pools", {
      name: "small",
      labelSelector: ["pool=small"],
    });
    assert.equal(pool.status, 201, pool.text);
    agents.push(
      startTestAgent(hub, {
        name: "h100",
        hardware: await recorded("nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt"),
      }),
      startTestAgent(hub, {
        name: "p100",
        labels: ["pool=small"],
        hardware: await recorded("netdata-tesla-p100-query-gpu.csv"),
      }),
      startTestAgent(hub, {
        name: "rtx4080",
        labels: ["pool=small"],
        hardware: await recorded("nvidia-gpu-exporter-geforce-rtx-4080-super-595.71.05-capture.txt"),
      }),
    );
    await Promise.all(agents.map((a) => a.welcomed()));
    if (!clusterId) {
      clusterId = (await hub.api<{ items: { id: string }[] }>("GET", "/api/corral/v1/clusters")).body.items[0]
        ?.id as string;
    }
    const pools = (
      await hub.api<{ items: { name: string; capacity: { gpu: number } }[] }>(
        "GET",
        "/api/corral/v1/node-pools",
      )
    ).body.items;
    assert.deepEqual(
      pools.map((p) => [p.name, p.capacity.gpu]),
      [
        ["default", 4],
        ["small", 2],
      ],
      "the H100's 4 MIG slices make the default pool; P100 + RTX 4080 the small one",
    );
  });
  afterEach(stopAll);
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("one project borrows all 4 GPUs while the other is idle, and the other gets its 2 back by preemption", async () => {
    await project("ml-a", [gpu("default", 2)]);
    await project("ml-b", [gpu("default", 2)]);
    const a = await submit("train-a", { project: "ml-a", instances: 4 });
    await settle(a, 4, "ml-a borrows the whole pool");
    const b = await submit("train-b", { project: "ml-b", instances: 2 });
    await settle(b, 2, "ml-b reclaims its deserved 2");
    await settle(a, 2, "ml-a keeps its fair share");
    const wa = await get(a);
    assert.equal(wa.preemptions, 2, "the workload records both preemptions");
    const waiting = wa.tasks.filter((t) => t.state === "pending");
    assert.equal(waiting.length, 2, "preempted tasks went back to pending");
    for (const t of waiting)
      assert.match(t.reason ?? "", /ml-a is over its fair share \(2 GPUs\) in pool default/);
    const events = (
      await hub.api<{ items: { reason: string; message: string }[] }>(
        "GET",
        `/api/corral/v1/workloads/${a}/events`,
      )
    ).body.items;
    assert.equal(events.filter((e) => e.reason === "Preempted").length, 2);
    assert.match(
      events.find((e) => e.reason === "Preempted")?.message ?? "",
      /to give project ml-b its fair share/,
    );
    // No double booking: the four slices are held by exactly four running tasks.
    const held = [...wa.tasks, ...(await get(b)).tasks]
      .filter((t) => t.state === "running")
      .flatMap((t) => t.gpus);
    assert.equal(new Set(held).size, 4);
    // The preempted tasks run again once ml-b is done.
    await hub.api("POST", `/api/corral/v1/workloads/${b}/stop`);
    await settle(a, 4, "ml-a takes the idle GPUs back");
  });

  it("splits idle GPUs 1:3 by over-quota weight", async () => {
    await project("w-one", [gpu("default", 0, -1, 1)]);
    await project("w-three", [gpu("default", 0, -1, 3)]);
    const one = await submit("one", { project: "w-one", instances: 4 });
    await settle(one, 4, "w-one alone takes all 4");
    const three = await submit("three", { project: "w-three", instances: 4 });
    await settle(three, 3, "w-three gets 3 of 4");
    await settle(one, 1, "w-one keeps 1 of 4");
  });

  it("caps borrowing at the project's limit and explains the wait", async () => {
    await project("capped", [gpu("small", 0, 1)]);
    const w = await submit("capped", { project: "capped", nodePool: "small", instances: 2 });
    await settle(w, 1, "one task within the limit");
    const t = await waitFor(
      async () => (await get(w)).tasks.find((x) => x.state === "pending" && x.reason?.includes("limit")),
      "reason",
    );
    assert.equal(t.reason, "project capped is at its limit of 1 GPU in pool small");
  });

  it("caps a department's projects at its limit", async () => {
    const dept = await hub.api<{ id: string }>("POST", "/api/v1/org-unit/departments", {
      name: "research",
      clusterId,
      resources: [gpu("default", 1, 3)],
    });
    assert.equal(dept.status, 201, dept.text);
    await project("r-one", [gpu("default", 0)], dept.body.id);
    await project("r-two", [gpu("default", 0)], dept.body.id);
    const w1 = await submit("r1", { project: "r-one", instances: 2 });
    const w2 = await submit("r2", { project: "r-two", instances: 2 });
    await waitFor(async () => (await running(w1)) + (await running(w2)) === 3, "3 running in the department");
    const reasons = [...(await get(w1)).tasks, ...(await get(w2)).tasks].flatMap((t) =>
      t.reason ? [t.reason] : [],
    );
    assert.ok(
      reasons.includes("department research caps its projects at 3 GPUs in pool default"),
      reasons.join("; "),
    );
  });

  it("keeps non-preemptible work within deserved quota, and refuses to lower quota below it", async () => {
    const id = await project("interactive", [gpu("default", 1)]);
    const w = await submit("notebook", { project: "interactive", kind: "interactive", instances: 2 });
    await settle(w, 1, "one within deserved");
    const pending = await waitFor(
      async () => (await get(w)).tasks.find((t) => t.reason?.includes("non-preemptible")),
      "reason",
    );
    assert.equal(
      pending.reason,
      "non-preemptible work may not exceed deserved quota (1 GPU) of project interactive in pool default",
    );
    const lower = await hub.api<{ code: number; message: string }>(
      "PUT",
      `/api/v1/org-unit/projects/${id}/resources`,
      [gpu("default", 0)],
    );
    assert.equal(lower.status, 400);
    assert.match(lower.body.message, /non-preemptible/);
  });

  it("runs work that names no pool in the project's defaultNodePools, in order, and nowhere else", async () => {
    const res = await hub.api("POST", "/api/v1/org-unit/projects", {
      name: "small-first",
      clusterId,
      resources: [gpu("small", 2)],
      defaultNodePools: ["small"],
    });
    assert.equal(res.status, 201, res.text);
    const w = await submit("small-first", { project: "small-first", nodePool: undefined, instances: 3 });
    await settle(w, 2, "two in pool small");
    const tasks = (await get(w)).tasks;
    assert.deepEqual(
      tasks.flatMap((t) => (t.node ? [t.node] : [])).sort(),
      ["p100", "rtx4080"],
      "never spills into the idle default pool",
    );
    const plain = await project("default-only", [gpu("default", 1)]);
    assert.ok(plain);
    const d = await submit("default-only", { project: "default-only", nodePool: undefined, instances: 5 });
    await settle(d, 4, "four in pool default");
    assert.ok((await get(d)).tasks.every((t) => t.node === null || t.node === "h100"));
  });

  it("runs work in the node pool it names", async () => {
    const w = await submit("pinned", { nodePool: "small", instances: 2 });
    await settle(w, 2, "both in pool small");
    assert.deepEqual((await get(w)).tasks.map((t) => t.node).sort(), ["p100", "rtx4080"]);
  });

  it("feeds per-project metrics from heartbeats", async () => {
    const id = await project("metered", [gpu("default", 2)]);
    const w = await submit("metered", { project: "metered", instances: 2 });
    await settle(w, 2, "running");
    const start = new Date(Date.now() - 1000).toISOString();
    hub.hub.core.projectMetrics.sample();
    await new Promise((r) => setTimeout(r, 20));
    hub.hub.core.projectMetrics.sample();
    const end = new Date(Date.now() + 1000).toISOString();
    const m = await hub.api<{ measurements: { type: string; values: { value: string }[] }[] }>(
      "GET",
      `/api/v1/org-unit/projects/${id}/metrics?metricType=GPU_ALLOCATION&metricType=GPU_QUOTA&start=${start}&end=${end}&numberOfSamples=2`,
    );
    assert.equal(m.status, 200, m.text);
    const alloc = m.body.measurements.find((x) => x.type === "GPU_ALLOCATION");
    assert.ok(alloc && alloc.values.length > 0 && alloc.values.every((v) => v.value === "2"), m.text);
  });
});
