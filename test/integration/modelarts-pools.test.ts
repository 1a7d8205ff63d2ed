import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface FlavorCount {
  flavor: string;
  count: number;
  nodePool?: string;
}
interface Pool {
  kind: string;
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    type: string;
    scope: string[];
    resources: { flavor: string; count: number; maxCount: number; nodePool?: string }[];
  };
  status: {
    phase: string;
    message: string;
    resources: { creating: FlavorCount[]; available: FlavorCount[]; abnormal: FlavorCount[] };
  };
  error_code?: string;
  error_msg?: string;
}
interface NodePool {
  metadata: { name: string; annotations: Record<string, string> };
  spec: { resources: { flavor: string; count: number; maxCount: number } };
  status: { resources: { available: FlavorCount; creating: FlavorCount; abnormal: FlavorCount } };
  error_code?: string;
}

const POOLS = "/v2/{project_id}/pools";
const CPU8 = "corral.cpu.8u32g";
const GPU4 = "corral.gpu.4x-nvidia-fake-80gb.8u32g";

/** The documents' CreatePool example, in Corral's flavors. */
const createExample = (name: string, resources: unknown[]) => ({
  apiVersion: "v2",
  kind: "Pool",
  metadata: {
    labels: { "os.modelarts/name": name, "os.modelarts/workspace.id": "0" },
    annotations: { "os.modelarts/description": "pool for the tests", "os.modelarts/billing.mode": "0" },
  },
  spec: { type: "Dedicate", scope: ["Train", "Infer"], resources },
});

describe("integration: ModelArts resource pools and node pools", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  let created: Pool;

  before(async () => {
    hub = await startTestHub();
    agents.push(
      startTestAgent(hub, {
        name: "cpu1",
        hardware: fakeHardware({ hostname: "cpu1", cores: 8, memoryMiB: 32768 }),
      }),
      startTestAgent(hub, {
        name: "gpu1",
        hardware: fakeHardware({ hostname: "gpu1", cores: 8, memoryMiB: 32768, gpus: fakeGpus(4) }),
      }),
    );
    await Promise.all(agents.map((a) => a.welcomed()));
    await waitFor(() => hub.hub.core.nodes.list().every((n) => n.hardware !== null), "hardware reported");
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("shows an existing cluster as a pool with its real nodes per flavor", async () => {
    const res = await maCall<{ kind: string; items: Pool[] }>(hub, "GET", POOLS);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, "PoolList");
    const pool = res.body.items.find((p) => p.metadata.name === "default");
    assert.ok(pool, res.text);
    assert.equal(pool.status.phase, "Running");
    assert.deepEqual(
      pool.status.resources.available.sort((a, b) => a.flavor.localeCompare(b.flavor)),
      [
        { flavor: CPU8, count: 1 },
        { flavor: GPU4, count: 1 },
      ],
    );
    assert.deepEqual(pool.status.resources.abnormal, []);
    assert.equal(pool.metadata.labels["os.modelarts/workspace.id"], "0");
  });

  it("creates a pool from the documents' example: a cluster with a node pool waiting for its nodes", async () => {
    const res = await maCall<Pool>(
      hub,
      "POST",
      POOLS,
      createExample("pool-test", [{ flavor: CPU8, count: 2, maxCount: 3, nodePool: "np-a" }]),
    );
    assert.equal(res.status, 200, res.text);
    created = res.body;
    assert.match(created.metadata.name, /^pool-[0-9a-f]{8}$/);
    assert.equal(created.metadata.labels["os.modelarts/name"], "pool-test");
    assert.equal(created.metadata.annotations["os.modelarts/description"], "pool for the tests");
    assert.match(
      created.metadata.annotations["os.modelarts/join.token"]!,
      new RegExp(`--cluster ${created.metadata.name}`),
    );
    assert.deepEqual(created.spec.resources, [{ flavor: CPU8, count: 2, maxCount: 3, nodePool: "np-a" }]);
    assert.equal(created.status.phase, "Creating");
    assert.deepEqual(created.status.resources.creating, [{ flavor: CPU8, count: 2, nodePool: "np-a" }]);
    // A pool is a cluster of that name.
    assert.ok(hub.hub.core.clusters.find(created.metadata.name));
  });

  it("counts a node that joins with the pool's join token and node-pool label, and one that goes down", async () => {
    const name = created.metadata.name;
    const np = await maCall<NodePool>(hub, "GET", `${POOLS}/${name}/nodepools/np-a`);
    assert.equal(np.status, 200, np.text);
    const label = np.body.metadata.annotations["os.modelarts/join.labels"]!;
    const { token } = hub.hub.core.joinTokens.create({ cluster: name });
    const joiner = startTestAgent(hub, {
      name: "pool-node-1",
      cluster: "elsewhere",
      labels: [label],
      joinToken: token,
      hardware: fakeHardware({ hostname: "pool-node-1", cores: 8, memoryMiB: 32768 }),
    });
    await joiner.welcomed();
    const running = await waitFor(async () => {
      const p = (await maCall<Pool>(hub, "GET", `${POOLS}/${name}`)).body;
      return p.status.resources.available.length > 0 ? p : null;
    }, "the node counted available");
    assert.equal(running.status.phase, "Running");
    assert.deepEqual(running.status.resources.available, [{ flavor: CPU8, count: 1, nodePool: "np-a" }]);
    assert.deepEqual(running.status.resources.creating, [{ flavor: CPU8, count: 1, nodePool: "np-a" }]);
    const one = await maCall<NodePool>(hub, "GET", `${POOLS}/${name}/nodepools/np-a`);
    assert.equal(one.body.status.resources.available.count, 1);

    await joiner.stop();
    const down = await waitFor(async () => {
      const p = (await maCall<Pool>(hub, "GET", `${POOLS}/${name}`)).body;
      return p.status.resources.abnormal.length > 0 ? p : null;
    }, "the stopped node counted abnormal");
    assert.equal(down.status.phase, "Abnormal");
    assert.deepEqual(down.status.resources.abnormal, [{ flavor: CPU8, count: 1, nodePool: "np-a" }]);
  });

  it("refuses bad bodies with 50004000 naming the field, a taken name with 409 and an unknown pool with 404", async () => {
    const noKind = await maCall<Pool>(hub, "POST", POOLS, {
      ...createExample("pool-bad", []),
      kind: "Other",
    });
    assert.equal(noKind.status, 400);
    assert.equal(noKind.body.error_code, "ModelArts.50004000");
    assert.match(noKind.body.error_msg!, /kind/);
    const badCount = await maCall<Pool>(
      hub,
      "POST",
      POOLS,
      createExample("pool-bad", [{ flavor: CPU8, count: -1 }]),
    );
    assert.equal(badCount.status, 400);
    assert.match(badCount.body.error_msg!, /spec\.resources\.0\.count/);
    const before = hub.hub.core.clusters.list().length;
    const badMax = await maCall<Pool>(
      hub,
      "POST",
      POOLS,
      createExample("pool-bad", [{ flavor: CPU8, count: 3, maxCount: 2 }]),
    );
    assert.equal(badMax.status, 400);
    assert.match(badMax.body.error_msg!, /spec\.resources\.0\.maxCount/);
    assert.equal(hub.hub.core.clusters.list().length, before, "a refused create leaves no cluster");
    const taken = await maCall<Pool>(hub, "POST", POOLS, createExample("pool-test", []));
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error_code, "ModelArts.50015000");
    const missing = await maCall<Pool>(hub, "GET", `${POOLS}/pool-nothere`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, "ModelArts.50015001");
    const ws = await maCall<Pool>(hub, "POST", POOLS, {
      ...createExample("pool-ws", []),
      metadata: { labels: { "os.modelarts/name": "pool-ws", "os.modelarts/workspace.id": "nope" } },
    });
    assert.equal(ws.status, 400);
    assert.match(ws.body.error_msg!, /workspace nope/);
  });

  it("lists pools by workspaceId, labelSelector and status", async () => {
    const list = async (q: string) =>
      (await maCall<{ items: Pool[] }>(hub, "GET", `${POOLS}?${q}`)).body.items
        .map((p) => p.metadata.name)
        .sort();
    const name = created.metadata.name;
    assert.deepEqual(await list("labelSelector=os.modelarts/name%3Dpool-test"), [name]);
    assert.deepEqual(await list("labelSelector=os.modelarts/name!%3Dpool-test"), ["default"]);
    assert.deepEqual(await list("workspaceId=0"), ["default", name].sort());
    assert.deepEqual(await list("workspaceId=1"), []);
    assert.deepEqual(await list("status=Abnormal"), [name]);
    assert.deepEqual(await list("status=Running"), ["default"]);
    const bad = await maCall<Pool>(hub, "GET", `${POOLS}?labelSelector=${encodeURIComponent("=x")}`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_msg!, /labelSelector/);
  });

  it("PATCHes with a merge patch or plain JSON: description, labels and node counts", async () => {
    const name = created.metadata.name;
    const merge = await maCall<Pool>(
      hub,
      "PATCH",
      `${POOLS}/${name}`,
      {
        metadata: { annotations: { "os.modelarts/description": "resized" }, labels: { team: "vision" } },
        spec: { resources: [{ flavor: CPU8, count: 3 }] },
      },
      hub.adminToken,
      { "content-type": "application/merge-patch+json" },
    );
    assert.equal(merge.status, 200, merge.text);
    assert.equal(merge.body.metadata.annotations["os.modelarts/description"], "resized");
    assert.equal(merge.body.metadata.labels.team, "vision");
    assert.deepEqual(merge.body.spec.resources, [{ flavor: CPU8, count: 3, maxCount: 3, nodePool: "np-a" }]);
    const json = await maCall<Pool>(hub, "PATCH", `${POOLS}/${name}`, {
      metadata: { labels: { team: null } },
      spec: { resources: [{ flavor: GPU4, count: 1, nodePool: "np-gpu" }] },
    });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.body.metadata.labels.team, undefined);
    assert.deepEqual(
      json.body.spec.resources.map((r) => [r.nodePool, r.flavor, r.count]),
      [
        ["np-a", CPU8, 3],
        ["np-gpu", GPU4, 1],
      ],
    );
    const text = await maCall<Pool>(hub, "PATCH", `${POOLS}/${name}`, undefined, hub.adminToken, {
      "content-type": "text/plain",
    });
    assert.equal(text.status, 400);
  });

  it("node pools: create, get, patch, refuse a taken name, delete; one that holds a node stays", async () => {
    const base = `${POOLS}/${created.metadata.name}/nodepools`;
    const made = await maCall<NodePool>(hub, "POST", base, {
      apiVersion: "v2",
      kind: "NodePool",
      metadata: { name: "np-b" },
      spec: { resources: { flavor: CPU8, count: 1 } },
    });
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(made.body.spec.resources, { flavor: CPU8, count: 1, maxCount: 1 });
    assert.equal(made.body.status.resources.creating.count, 1);
    const again = await maCall<NodePool>(hub, "POST", base, {
      metadata: { name: "np-b" },
      spec: { resources: { flavor: CPU8, count: 1 } },
    });
    assert.equal(again.status, 409);
    const patched = await maCall<NodePool>(hub, "PATCH", `${base}/np-b`, {
      spec: { resources: { count: 2, maxCount: 4 } },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.spec.resources, { flavor: CPU8, count: 2, maxCount: 4 });
    const badMax = await maCall<NodePool>(hub, "PATCH", `${base}/np-b`, {
      spec: { resources: { count: 5, maxCount: 4 } },
    });
    assert.equal(badMax.status, 400);
    assert.equal(badMax.body.error_code, "ModelArts.50004000");
    // The nodes routes find it by its ModelArts name too (its core name is `<pool>-np-b`).
    const members = await maCall<{ items: unknown[] }>(hub, "GET", `${base}/np-b/nodes`);
    assert.equal(members.status, 200, members.text);
    assert.deepEqual(members.body.items, []);
    const list = await maCall<{ kind: string; items: NodePool[] }>(hub, "GET", base);
    assert.equal(list.body.kind, "NodePoolList");
    assert.deepEqual(
      list.body.items.map((p) => p.metadata.name),
      ["np-a", "np-gpu", "np-b"],
    );
    const del = await maCall<NodePool>(hub, "DELETE", `${base}/np-b`);
    assert.equal(del.status, 200, del.text);
    assert.equal((await maCall<NodePool>(hub, "GET", `${base}/np-b`)).status, 404);
    const held = await maCall<NodePool>(hub, "DELETE", `${base}/np-a`);
    assert.equal(held.status, 409);
    assert.equal(held.body.error_code, "ModelArts.50015002");
  });

  it("usage: monitor and runtime metrics from the inventory and placements; the pool's workloads and the caller's jobs", async () => {
    const w = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "busy",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1" },
      cluster: "default",
      resources: { cpuMilli: 2000, memoryMiB: 1024, gpu: 1 },
    });
    assert.equal(w.status, 201, w.text);
    await waitFor(
      () => hub.hub.core.workloads.tasks(w.body.id).some((t) => t.state === "running"),
      "the workload running",
    );
    const metrics = await maCall<{
      items: { metadata: { name: string }; table: Record<string, { value: Record<string, string> }> }[];
    }>(hub, "GET", "/v2/{project_id}/metrics/runtime/pools");
    assert.equal(metrics.status, 200, metrics.text);
    const def = metrics.body.items.find((i) => i.metadata.name === "default")!;
    assert.deepEqual(def.table.capacity!.value, { cpu: "16", memory: "65536Mi", "nvidia.com/gpu": "4" });
    assert.deepEqual(def.table.allocated!.value, { cpu: "2", memory: "1024Mi", "nvidia.com/gpu": "1" });

    const monitor = await maCall<{
      metrics: { metric: { metric_name: string }; data_points: { statistics: { value: number }[] }[] }[];
    }>(hub, "GET", `${POOLS}/default/monitor`);
    assert.equal(monitor.status, 200, monitor.text);
    const value = (n: string) =>
      monitor.body.metrics.find((m) => m.metric.metric_name === n)?.data_points[0]?.statistics[0]?.value;
    assert.equal(value("gpu_allocated"), 1);
    assert.equal(value("gpu_capacity"), 4);

    const workloads = await maCall<{
      items: { name: string; status: string; type: string; resource_requirement: Record<string, string> }[];
    }>(hub, "GET", `${POOLS}/default/workloads`);
    assert.equal(workloads.status, 200, workloads.text);
    assert.deepEqual(
      workloads.body.items.map((i) => [i.name, i.status, i.type, i.resource_requirement["nvidia.com/gpu"]]),
      [["busy", "Running", "train", "1"]],
    );
    const stats = await maCall<{
      statistics: { total: number; items: { type: string; status: { running: number } }[] };
    }>(hub, "GET", "/v2/{project_id}/statistics/pools/default/workloads");
    assert.equal(stats.body.statistics.total, 1);
    assert.equal(stats.body.statistics.items[0]?.status.running, 1);
    const pools = await maCall<{ statistics: { status: { created: number } } }>(
      hub,
      "GET",
      "/v2/{project_id}/statistics/pools",
    );
    assert.equal(pools.body.statistics.status.created, 2);
    const jobs = await maCall<{
      count: number;
      items: { job_name: string; phase: string; involved_objects: string }[];
    }>(hub, "GET", "/v2/{project_id}/jobs?resource=default");
    assert.equal(jobs.status, 200, jobs.text);
    assert.deepEqual(
      jobs.body.items.map((j) => [j.job_name, j.phase, j.involved_objects]),
      [["busy", "Running", "default"]],
    );
  });

  it("refuses to delete a pool while work runs; deletes an idle one with its nodes and node pools", async () => {
    const busy = await maCall<Pool>(hub, "DELETE", `${POOLS}/default`);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error_code, "ModelArts.50015002");
    assert.match(busy.body.error_msg!, /workload/);
    // An idle pool with a node: the node goes with it (drained, credential revoked, out of lists),
    // the tokens scoped to it are revoked, and its name is free again.
    const poolName = created.metadata.name;
    const joinedTo = hub.hub.core.clusters.get(poolName).id;
    assert.ok(hub.hub.core.nodes.list({ clusterId: joinedTo }).length > 0, "the pool has a node");
    const withNode = await maCall<Pool>(hub, "DELETE", `${POOLS}/${poolName}`);
    assert.equal(withNode.status, 200, withNode.text);
    assert.deepEqual(hub.hub.core.nodes.list({ clusterId: joinedTo }), []);
    assert.equal(hub.hub.core.clusters.find(poolName), undefined);
    assert.equal((await maCall<Pool>(hub, "GET", `${POOLS}/${poolName}`)).status, 404);
    const scoped = hub.hub.core.joinTokens.list().filter((t) => t.cluster === poolName);
    assert.ok(scoped.length > 0 && scoped.every((t) => t.revokedAt !== null), "its join tokens are revoked");
    const again = await hub.api("POST", "/api/corral/v1/clusters", { name: poolName });
    assert.equal(again.status, 201, again.text);

    const idle = await maCall<Pool>(
      hub,
      "POST",
      POOLS,
      createExample("pool-idle", [{ flavor: CPU8, count: 1 }]),
    );
    assert.equal(idle.status, 200, idle.text);
    const name = idle.body.metadata.name;
    assert.equal(hub.hub.core.nodePools.list().filter((p) => p.name.startsWith(name)).length, 1);
    // Work waiting for the pool's nodes holds it; once stopped, its history stays without the pool.
    const waiting = await hub.api<{ id: string }>("POST", "/api/corral/v1/workloads", {
      name: "waits",
      image: "fake",
      cluster: name,
    });
    assert.equal(waiting.status, 201, waiting.text);
    const held = await maCall<Pool>(hub, "DELETE", `${POOLS}/${name}`);
    assert.equal(held.status, 409);
    assert.match(held.body.error_msg!, /1 workload/);
    await hub.api("POST", `/api/corral/v1/workloads/${waiting.body.id}/stop`);
    await waitFor(
      () => hub.hub.core.workloads.find(waiting.body.id)?.state === "stopped",
      "the workload stopped",
    );
    const del = await maCall<Pool>(hub, "DELETE", `${POOLS}/${name}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.status.phase, "Deleting");
    assert.equal((await maCall<Pool>(hub, "GET", `${POOLS}/${name}`)).status, 404);
    assert.equal(hub.hub.core.clusters.find(name), undefined);
    assert.equal(hub.hub.core.nodePools.list().filter((p) => p.name.startsWith(name)).length, 0);
    const kept = hub.hub.core.workloads.find(waiting.body.id);
    assert.equal(kept?.clusterId, null, "the finished workload is kept, without the cluster");
  });

  it("only the admin changes pools; other users read them", async () => {
    await hub.api("POST", "/api/corral/v1/users", { username: "reader", password: "reader-password-1" });
    const login = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username: "reader", password: "reader-password-1" },
      null,
    );
    const token = login.body.token;
    assert.equal((await maCall(hub, "GET", POOLS, undefined, token)).status, 200);
    const create = await maCall<Pool>(hub, "POST", POOLS, createExample("pool-reader", []), token);
    assert.equal(create.status, 403, create.text);
  });
});
