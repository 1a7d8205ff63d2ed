import assert from "node:assert/strict";
import type { Core } from "../../hub/core";
import { startTestHub, type TestHub } from "../helpers/test-hub";

const V1 = "/api/corral/v1";

interface Page<T> {
  items: T[];
  continue?: string;
}
interface NodeJson {
  id: string;
  name: string;
  cluster: string;
  allocated: { cpuMilli: number; memoryMiB: number; gpu: number };
}
interface WorkloadJson {
  id: string;
  name: string;
  tasks: { id: string; state: string; nodeId: string | null }[];
}
interface ErrorBody {
  code: string;
  field?: string;
  message: string;
}

/** A ready node as an agent's join + Hello leaves it (8 cores, 16 GiB, no GPU). */
function readyNode(core: Core, cluster: string, name: string): void {
  const { node } = core.nodes.join(cluster, name);
  core.nodes.hello(node.id, {
    agentVersion: "0.1.0",
    address: "10.0.0.1",
    labels: [],
    hardware: {
      cpu: { manufacturer: "T", brand: "T", cores: 8, physicalCores: 8, speedGhz: 3 },
      memory: { totalMiB: 16384 },
      disks: [],
      nics: [],
      os: { platform: "linux", distro: "D", release: "1", kernel: "6", arch: "x64", hostname: name },
      gpuAvailable: false,
      gpuError: null,
      driverVersion: null,
      cudaVersion: null,
      gpus: [],
    },
    runtime: { name: "docker", available: true, error: null, version: "27" },
  });
  core.nodes.setStatus(node.id, "ready");
}

describe("integration: native list pages (limit + continue) and allocations from the ledger", function () {
  this.timeout(60_000);
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({ CORRAL_SUBMIT_RATE_PER_MIN: "0" });
  });
  after(() => hub.close());

  /** Every page of `path` with `limit`, calling `between` after each page; the items in order. */
  async function walk<T>(
    path: string,
    limit: number,
    between: (page: number) => void | Promise<void> = () => {},
  ) {
    const seen: T[] = [];
    let token: string | undefined;
    for (let page = 0; ; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const url = `${path}${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
      const r = await hub.api<Page<T>>("GET", url);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length <= limit);
      seen.push(...r.body.items);
      token = r.body.continue;
      if (!token) return seen;
      assert.equal(r.body.items.length, limit, "a page before the last is full");
      await between(page);
    }
  }

  it("walks the nodes in the list's order, each once, while nodes join", async () => {
    for (const n of ["n-03", "n-07", "n-01", "n-05", "n-09", "n-02", "n-08"])
      readyNode(hub.hub.core, "default", n);
    readyNode(hub.hub.core, "east", "n-05");
    const full = await hub.api<Page<NodeJson>>("GET", `${V1}/nodes`);
    assert.equal(full.body.continue, undefined, "no limit: the whole list, no token");
    const before = full.body.items.map((n) => `${n.name}/${n.cluster}`);
    const joined: string[] = [];
    const seen = await walk<NodeJson>(`${V1}/nodes`, 3, (page) => {
      if (page !== 0) return;
      // One joins before the position already read (not seen), one after it (seen once).
      readyNode(hub.hub.core, "default", "n-00");
      readyNode(hub.hub.core, "default", "n-99");
      joined.push("n-99/default");
    });
    assert.deepEqual(
      seen.map((n) => `${n.name}/${n.cluster}`),
      [...before, ...joined],
    );
    const ids = seen.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, "no node twice");
    // A cluster filter pages too.
    const east = await walk<NodeJson>(`${V1}/nodes?cluster=east`, 1);
    assert.deepEqual(
      east.map((n) => n.name),
      ["n-05"],
    );
  });

  it("walks the workloads newest first, each once, while more are submitted", async () => {
    const submit = async (name: string) => {
      const r = await hub.api<WorkloadJson>("POST", `${V1}/workloads`, {
        name,
        image: "busybox",
        instances: 2,
      });
      assert.equal(r.status, 201, r.text);
    };
    for (let i = 0; i < 8; i++) await submit(`page-${i}`);
    const full = await hub.api<Page<WorkloadJson>>("GET", `${V1}/workloads`);
    assert.equal(full.body.continue, undefined);
    const seen = await walk<WorkloadJson>(`${V1}/workloads`, 3, () => submit(`late-${Math.random()}`));
    assert.deepEqual(
      seen.map((w) => w.id),
      full.body.items.map((w) => w.id),
      "the walk is the full list as it was: later submissions are newer, so before the position",
    );
    assert.ok(
      seen.every((w) => w.tasks.length === 2),
      "each workload with its own tasks",
    );
    const pending = await walk<WorkloadJson>(`${V1}/workloads?state=pending`, 5);
    assert.ok(pending.length >= 8);
  });

  it("refuses a bad limit or continue with a 400 naming the field", async () => {
    const nodesToken = (await hub.api<Page<NodeJson>>("GET", `${V1}/nodes?limit=1`)).body.continue;
    assert.ok(nodesToken);
    const cases: [string, string][] = [
      [`${V1}/nodes?limit=0`, "limit"],
      [`${V1}/nodes?limit=abc`, "limit"],
      [`${V1}/nodes?limit=2.5`, "limit"],
      [`${V1}/workloads?limit=10001`, "limit"],
      [`${V1}/nodes?limit=2&continue=not-a-token`, "continue"],
      [`${V1}/nodes?limit=2&continue=${Buffer.from("{}").toString("base64url")}`, "continue"],
      [`${V1}/workloads?limit=2&continue=${encodeURIComponent(nodesToken)}`, "continue"],
    ];
    for (const [url, field] of cases) {
      const r = await hub.api<ErrorBody>("GET", url);
      assert.equal(r.status, 400, `${url}: ${r.text}`);
      assert.equal(r.body.code, "invalid_argument");
      assert.equal(r.body.field, field, url);
    }
  });

  it("shows a node's liveness, labels and cordon at once (each node's JSON is cached)", async () => {
    const core = hub.hub.core;
    readyNode(core, "live", "beat");
    const id = core.nodes.get("beat", "live").id;
    interface Shown extends NodeJson {
      status: string;
      labels: string[];
      schedulable: boolean;
      lastSeenAt: string | null;
      metrics: { cpuPercent: number } | null;
    }
    const shown = async () =>
      (await hub.api<Page<Shown>>("GET", `${V1}/nodes?cluster=live&limit=5`)).body.items[0] as Shown;
    const first = await shown();
    assert.equal(first.status, "ready");
    // Liveness changes the node object in place; the next list must not serve the old text.
    core.nodes.setStatus(id, "notready");
    assert.equal((await shown()).status, "notready");
    // A heartbeat a few milliseconds later (the hub's real clock).
    await new Promise((resolve) => setTimeout(resolve, 5));
    core.nodes.touch(id);
    assert.notEqual((await shown()).lastSeenAt, first.lastSeenAt);
    core.nodes.recordMetrics(id, { cpuPercent: 42, memoryUsedMiB: 1, load1: 0, gpus: [], sampledAt: 1 });
    assert.equal((await shown()).metrics?.cpuPercent, 42);
    const labelled = await hub.api("POST", `${V1}/nodes/beat/labels?cluster=live`, { label: "zone=x" });
    assert.equal(labelled.status, 200, labelled.text);
    assert.deepEqual((await shown()).labels, ["zone=x"]);
    await hub.api("POST", `${V1}/nodes/beat/cordon?cluster=live`);
    assert.equal((await shown()).schedulable, false);
    // The single-node route and the list agree.
    const one = await hub.api<Shown>("GET", `${V1}/nodes/${id}`);
    assert.deepEqual(one.body, await shown());
  });

  it("shows a placement and a finish in the node list at once", async () => {
    const core = hub.hub.core;
    readyNode(core, "alloc", "only");
    const node = async () =>
      (await hub.api<Page<NodeJson>>("GET", `${V1}/nodes?cluster=alloc`)).body.items[0] as NodeJson;
    // Earlier tests' workloads (any cluster) may land here too: place them first, then compare.
    hub.hub.scheduleNow();
    const base = (await node()).allocated;
    const plus = (cpuMilli: number, memoryMiB: number) => ({
      cpuMilli: base.cpuMilli + cpuMilli,
      memoryMiB: base.memoryMiB + memoryMiB,
      gpu: base.gpu,
    });
    const r = await hub.api<WorkloadJson>("POST", `${V1}/workloads`, {
      name: "alloc",
      image: "busybox",
      cluster: "alloc",
      resources: { cpuMilli: 1500, memoryMiB: 700 },
    });
    assert.equal(r.status, 201, r.text);
    // The hub may have placed it already (its scheduler runs 20 ms after a submit); now surely.
    hub.hub.scheduleNow();
    const task = core.workloads.tasks(r.body.id)[0];
    assert.equal(task?.state, "assigned");
    assert.deepEqual((await node()).allocated, plus(1500, 700));
    // The agent reports the container's exit: the node is free in the very next read.
    core.lifecycle.applyReport(task.nodeId as string, {
      taskId: task.id,
      attempt: 1,
      state: "succeeded",
      exitCode: 0,
      containerId: "c",
      ip: "",
      ports: [],
      message: "",
      startedAt: null,
      finishedAt: null,
    });
    assert.deepEqual((await node()).allocated, base);
  });
});
