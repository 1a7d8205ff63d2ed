import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { maCall } from "../helpers/modelarts";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const V1 = "/api/corral/v1";
const POOL = "/v2/{project_id}/pools/default";

interface MaNode {
  kind: string;
  apiVersion: string;
  metadata: { name: string; creationTimestamp: string; labels: Record<string, string> };
  spec: { flavor: string; taints: { key: string; value: string; effect: string }[]; unschedulable: boolean };
  status: {
    phase: string;
    privateIp: string;
    az: string;
    resources: Record<string, string>;
    availableResources: Record<string, string>;
  };
}
interface NodeList {
  kind: string;
  apiVersion: string;
  metadata: { continue: string; remainingItemCount: number };
  items: MaNode[];
}
interface WorkloadJson {
  state: string;
  tasks: { attempt: number; state: string; node: string | null; reason: string | null }[];
}
type Err = { error_code: string; error_msg: string };

/** ModelArts nodes of a resource pool (a Corral cluster), over real HTTP with FakeRuntime agents. */
describe("integration: ModelArts pool nodes (/v2/{project_id}/pools/{pool}/nodes)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents = new Map<string, RunningAgent>();
  const runtimes = new Map<string, FakeRuntime>();

  before(async () => {
    hub = await startTestHub();
    for (const [name, cluster] of [
      ["pn-a", "default"],
      ["pn-b", "default"],
      ["pn-c", "default"],
      ["pn-x", "other"],
    ] as const) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      agents.set(name, startTestAgent(hub, { name, cluster, labels: [`host=${name}`], runtime }));
    }
    await Promise.all([...agents.values()].map((a) => a.welcomed()));
    await waitFor(
      () => (hub.hub.core.nodes.list().every((n) => n.status === "ready") ? true : null),
      "all nodes ready",
    );
  });
  after(async () => {
    for (const a of agents.values()) await a.stop();
    await hub.close();
  });

  const submit = async (name: string, host: string, extra: Record<string, unknown> = {}) => {
    const res = await hub.api<{ id: string }>("POST", `${V1}/workloads`, {
      name,
      image: "fake",
      nodeSelector: [`host=${host}`],
      stopGraceSec: 1,
      resources: { cpuMilli: 100, memoryMiB: 64, gpu: 0 },
      ...extra,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const workload = async (id: string) => (await hub.api<WorkloadJson>("GET", `${V1}/workloads/${id}`)).body;
  const waitTask = (id: string, what: string, ok: (t: WorkloadJson["tasks"][number]) => boolean) =>
    waitFor(async () => {
      const t = (await workload(id)).tasks[0];
      return t && ok(t) ? t : null;
    }, what);

  it("lists the pool's nodes with their phase and real resources, paged with limit/continue", async () => {
    const all = await maCall<NodeList>(hub, "GET", `${POOL}/nodes`);
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.kind, "NodeList");
    assert.equal(all.body.apiVersion, "v2");
    assert.deepEqual(
      all.body.items.map((n) => n.metadata.name),
      ["pn-a", "pn-b", "pn-c"],
      "only the nodes of cluster default",
    );
    const a = all.body.items[0] as MaNode;
    const core = hub.hub.core.nodes.get("pn-a", "default");
    assert.equal(a.kind, "Node");
    assert.equal(a.status.phase, "Available");
    assert.equal(a.status.privateIp, core.address);
    assert.equal(a.status.resources.cpu, String(core.hardware?.cpu.cores));
    assert.equal(a.metadata.labels["os.modelarts.node/cluster"], "default");
    assert.equal(a.metadata.labels["os.modelarts.node/nodepool"], "default");
    assert.equal(a.metadata.labels.host, "pn-a");
    assert.match(a.spec.flavor, /^corral\.(cpu|gpu)\./);
    assert.equal(new Date(a.metadata.creationTimestamp).getTime(), core.createdAt);

    const first = await maCall<NodeList>(hub, "GET", `${POOL}/nodes?limit=2`);
    assert.deepEqual(
      first.body.items.map((n) => n.metadata.name),
      ["pn-a", "pn-b"],
    );
    assert.equal(first.body.metadata.remainingItemCount, 1);
    assert.ok(first.body.metadata.continue);
    const next = await maCall<NodeList>(
      hub,
      "GET",
      `${POOL}/nodes?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    assert.deepEqual(
      next.body.items.map((n) => n.metadata.name),
      ["pn-c"],
    );
    assert.deepEqual(next.body.metadata, { continue: "", remainingItemCount: 0 });

    const bad = await maCall<Err>(hub, "GET", `${POOL}/nodes?limit=501`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_msg, /limit/);
    const none = await maCall<Err>(hub, "GET", "/v2/{project_id}/pools/no-such-pool/nodes");
    assert.equal(none.status, 404);
    assert.equal(none.body.error_code, "ModelArts.50015001");
  });

  it("shows one node, and 404 for a node of another pool", async () => {
    const one = await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.metadata.name, "pn-b");
    assert.equal(one.body.status.phase, "Available");
    const other = await maCall<Err>(hub, "GET", `${POOL}/nodes/pn-x`);
    assert.equal(other.status, 404);
    assert.match(other.body.error_msg, /pn-x/);
  });

  it("batch-lock cordons: new work waits with the cordon reason; batch-unlock lets it start", async () => {
    const lock = await maCall<{ nodes: { name: string; status: string }[] }>(
      hub,
      "POST",
      `${POOL}/nodes/batch-lock`,
      {
        nodeNames: ["pn-a", "pn-x"],
        actions: ["delete"],
      },
    );
    assert.equal(lock.status, 200, lock.text);
    assert.deepEqual(lock.body.nodes, [
      { name: "pn-a", status: "success" },
      { name: "pn-x", status: "failed" },
    ]);
    assert.equal((await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-a`)).body.spec.unschedulable, true);
    const id = await submit("locked", "pn-a");
    // Once the scheduler has looked at it (before that: "waiting for the scheduler").
    const waiting = await waitTask(
      id,
      "the cordon reason",
      (t) => t.state === "pending" && /cordoned/.test(t.reason ?? ""),
    );
    assert.equal(waiting.node, null);

    const unlock = await maCall(hub, "POST", `${POOL}/nodes/batch-unlock`, {
      nodeNames: ["pn-a"],
      actions: ["delete"],
    });
    assert.equal(unlock.status, 200, unlock.text);
    await waitTask(id, "running on pn-a", (t) => t.state === "running" && t.node === "pn-a");
    await hub.api("POST", `${V1}/workloads/${id}/stop`);
  });

  it("batch-drain evicts the node's work and sends its agent Drain, which stops the containers", async () => {
    const id = await submit("drained", "pn-a");
    await waitTask(id, "running on pn-a", (t) => t.state === "running" && t.node === "pn-a");
    const agent = agents.get("pn-a") as RunningAgent;
    const heard = new Promise<string>((resolve) => agent.link.once("drained", resolve));

    const tooMany = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-drain`, {
      nodeNames: Array.from({ length: 11 }, (_, i) => `n${i}`),
    });
    assert.equal(tooMany.status, 400);
    const foreign = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-drain`, { nodeNames: ["pn-x"] });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error_code, "ModelArts.50004000");
    assert.match(foreign.body.error_msg, /not in pool/);

    const drain = await maCall(hub, "POST", `${POOL}/nodes/batch-drain`, { nodeNames: ["pn-a"] });
    assert.equal(drain.status, 200, drain.text);
    assert.deepEqual(drain.body, {});
    assert.match(await heard, /drained through ModelArts/);
    assert.deepEqual(
      (runtimes.get("pn-a") as FakeRuntime).containers().filter((c) => c.state !== "exited"),
      [],
      "the agent stopped its task when it heard Drain",
    );
    const back = await waitTask(id, "pending again", (t) => t.state === "pending" && t.attempt === 2);
    assert.equal(back.node, null);
    await hub.api("POST", `${V1}/workloads/${id}/stop`);
    await maCall(hub, "POST", `${POOL}/nodes/batch-unlock`, { nodeNames: ["pn-a"], actions: ["delete"] });
  });

  it("batch-update adds and deletes resource tags as node labels", async () => {
    const add = await maCall<{ successNodeNames: string[]; failNodeNames: string[] }>(
      hub,
      "POST",
      `${POOL}/nodes/batch-update`,
      { nodeNames: ["pn-b", "ghost"], action: "createTags", tags: [{ key: "team", value: "vision" }] },
    );
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.body, { successNodeNames: ["pn-b"], failNodeNames: ["ghost"] });
    assert.equal(
      (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`)).body.metadata.labels.team,
      "vision",
    );
    await maCall(hub, "POST", `${POOL}/nodes/batch-update`, {
      nodeNames: ["pn-b"],
      action: "deleteTags",
      tags: [{ key: "team" }],
    });
    assert.equal(
      (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`)).body.metadata.labels.team,
      undefined,
    );
    const noTags = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-update`, {
      nodeNames: ["pn-b"],
      action: "createTags",
    });
    assert.equal(noTags.status, 400);
    assert.match(noTags.body.error_msg, /tags/);
    const badAction = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-update`, {
      nodeNames: ["pn-b"],
      action: "paint",
    });
    assert.equal(badAction.status, 400);
    assert.match(badAction.body.error_msg, /action/);
  });

  it("batch-update HA redundancy taints the node: NoExecute evicts untolerated work, tolerated work runs", async () => {
    const plain = await submit("untolerated", "pn-b");
    await waitTask(plain, "running on pn-b", (t) => t.state === "running" && t.node === "pn-b");
    const open = await maCall(hub, "POST", `${POOL}/nodes/batch-update`, {
      nodeNames: ["pn-b"],
      action: "openHaRedundant",
      haRedundantEffect: "NoExecute",
    });
    assert.equal(open.status, 200, open.text);
    const shown = (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`)).body;
    assert.deepEqual(shown.spec.taints, [
      { key: "os.modelarts.node/ha.redundant", value: "true", effect: "NoExecute" },
    ]);
    assert.equal(shown.metadata.labels["os.modelarts.node/ha.redundant.enabled"], "true");
    const evicted = await waitTask(
      plain,
      "evicted",
      (t) => t.state === "pending" && t.attempt === 2 && t.reason !== null,
    );
    await waitFor(async () => {
      const t = (await workload(plain)).tasks[0];
      return t?.reason && /taint/.test(t.reason) ? t : null;
    }, `a reason naming the taint (was ${evicted.reason})`);

    const tolerant = await submit("tolerant", "pn-b", {
      tolerations: [{ key: "os.modelarts.node/ha.redundant", operator: "Exists" }],
    });
    await waitTask(tolerant, "tolerated, running on pn-b", (t) => t.state === "running" && t.node === "pn-b");

    const close = await maCall(hub, "POST", `${POOL}/nodes/batch-update`, {
      nodeNames: ["pn-b"],
      action: "closeHaRedundant",
    });
    assert.equal(close.status, 200, close.text);
    await waitTask(
      plain,
      "running again once the taint is gone",
      (t) => t.state === "running" && t.node === "pn-b",
    );
    for (const id of [plain, tolerant]) await hub.api("POST", `${V1}/workloads/${id}/stop`);
  });

  it("batch-migrate moves nodes to another node pool of the pool; node pool nodes lists them", async () => {
    const np = await hub.api("POST", `${V1}/node-pools`, { name: "fast", labelSelector: ["np=fast"] });
    assert.equal(np.status, 201, np.text);
    const move = await maCall<{ job_id: string }>(hub, "POST", `${POOL}/nodes/batch-migrate`, {
      migrateNodeNames: ["pn-c"],
      fromClusterName: "default",
      toClusterName: "default",
      resourceSpec: { nodePool: "fast" },
    });
    assert.equal(move.status, 200, move.text);
    assert.ok(move.body.job_id);
    const fast = await maCall<NodeList>(hub, "GET", `${POOL}/nodepools/fast/nodes`);
    assert.deepEqual(
      fast.body.items.map((n) => n.metadata.name),
      ["pn-c"],
    );
    assert.equal(fast.body.items[0]?.metadata.labels["os.modelarts.node/nodepool"], "fast");
    const rest = await maCall<NodeList>(hub, "GET", `${POOL}/nodepools/default/nodes`);
    assert.deepEqual(
      rest.body.items.map((n) => n.metadata.name),
      ["pn-a", "pn-b"],
    );
    const back = await maCall(hub, "POST", `${POOL}/nodes/batch-migrate`, {
      migrateNodeNames: ["pn-c"],
      resourceSpec: { nodePool: "default" },
    });
    assert.equal(back.status, 200, back.text);
    assert.equal(
      (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-c`)).body.metadata.labels[
        "os.modelarts.node/nodepool"
      ],
      "default",
    );

    const crossPool = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-migrate`, {
      migrateNodeNames: ["pn-c"],
      toPoolName: "other",
      resourceSpec: { nodePool: "default" },
    });
    assert.equal(crossPool.status, 400);
    assert.equal(crossPool.body.error_code, "ModelArts.0108");
    const noNp = await maCall<Err>(hub, "GET", `${POOL}/nodepools/nope/nodes`);
    assert.equal(noNp.status, 400);
    assert.equal(noNp.body.error_code, "ModelArts.50004000");
  });

  it("batch-bind labels the node with its logical sub-pool", async () => {
    const bind = await maCall(hub, "POST", `${POOL}/nodes/batch-bind`, {
      nodes: [{ name: "pn-b", quotaName: "q1" }],
    });
    assert.equal(bind.status, 200, bind.text);
    const labels = (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`)).body.metadata.labels;
    assert.equal(labels["os.modelarts.node/elastic.quota"], "q1");
    await maCall(hub, "POST", `${POOL}/nodes/batch-bind`, { nodes: [{ name: "pn-b" }] });
    assert.equal(
      (await maCall<MaNode>(hub, "GET", `${POOL}/nodes/pn-b`)).body.metadata.labels[
        "os.modelarts.node/elastic.quota"
      ],
      undefined,
    );
  });

  it("reboot, reset and resize answer ModelArts's not-supported error", async () => {
    for (const op of ["batch-reboot", "batch-reset", "batch-resize"]) {
      const res = await maCall<Err>(hub, "POST", `${POOL}/nodes/${op}`, { nodeNames: ["pn-a"] });
      assert.equal(res.status, 400, `${op}: ${res.text}`);
      assert.equal(res.body.error_code, "ModelArts.0108", op);
      assert.match(res.body.error_msg, /not supported/, op);
    }
  });

  it("batch-delete removes the node: its work moves, its credential is revoked, it leaves the pool", async () => {
    const foreign = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-delete`, {
      deleteNodeNames: ["pn-x"],
    });
    assert.equal(foreign.status, 400);
    const all = await maCall<Err>(hub, "POST", `${POOL}/nodes/batch-delete`, {
      deleteNodeNames: ["pn-a", "pn-b", "pn-c"],
    });
    assert.equal(all.status, 400);
    assert.match(all.body.error_msg, /at least one node/);
    const missingPool = await maCall<Err>(hub, "POST", "/v2/{project_id}/pools/nowhere/nodes/batch-delete", {
      deleteNodeNames: ["pn-c"],
    });
    assert.deepEqual([missingPool.status, missingPool.body.error_code], [404, "ModelArts.50015001"]);

    const id = await hub.api<{ id: string }>("POST", `${V1}/workloads`, {
      name: "on-c",
      image: "fake",
      nodeSelector: ["host=pn-c"],
      stopGraceSec: 1,
    });
    await waitTask(id.body.id, "running on pn-c", (t) => t.state === "running" && t.node === "pn-c");
    const node = hub.hub.core.nodes.get("pn-c", "default");
    const del = await maCall(hub, "POST", `${POOL}/nodes/batch-delete`, { deleteNodeNames: ["pn-c"] });
    assert.equal(del.status, 200, del.text);
    const list = await maCall<NodeList>(hub, "GET", `${POOL}/nodes`);
    assert.deepEqual(
      list.body.items.map((n) => n.metadata.name),
      ["pn-a", "pn-b"],
    );
    assert.equal((await maCall(hub, "GET", `${POOL}/nodes/pn-c`)).status, 404);
    assert.equal(
      hub.hub.core.nodes.replacePending(hub.hub.core.nodes.byId(node.id)),
      true,
      "credential revoked",
    );
    const back = await waitTask(
      id.body.id,
      "its task back in pending",
      (t) => t.state === "pending" && t.attempt === 2,
    );
    assert.equal(back.node, null);
    await hub.api("POST", `${V1}/workloads/${id.body.id}/stop`);
  });

  it("native: PUT /nodes/:node/taints sets taints that GET shows", async () => {
    const put = await hub.api<{ taints: unknown[] }>("PUT", `${V1}/nodes/pn-a/taints?cluster=default`, {
      taints: [{ key: "gpu", value: "a100", effect: "PreferNoSchedule" }],
    });
    assert.equal(put.status, 200, put.text);
    const got = await hub.api<{ taints: unknown[] }>("GET", `${V1}/nodes/pn-a?cluster=default`);
    assert.deepEqual(got.body.taints, [{ key: "gpu", value: "a100", effect: "PreferNoSchedule" }]);
    const bad = await hub.api<{ error: { message: string } }>(
      "PUT",
      `${V1}/nodes/pn-a/taints?cluster=default`,
      {
        taints: [{ key: "gpu", effect: "Sometimes" }],
      },
    );
    assert.equal(bad.status, 400);
    assert.match(bad.text, /taints\.0\.effect/);
    await hub.api("PUT", `${V1}/nodes/pn-a/taints?cluster=default`, { taints: [] });
  });
});
