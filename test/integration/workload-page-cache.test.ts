/**
 * The workload page (native) and the OpenPAI job page serve each workload's cached JSON text
 * (core.workloadVersions): every state change must show in the very next page read.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import type { Core } from "../../hub/core";
import type { TaskReport } from "../../hub/core/task-lifecycle";
import { startTestHub, type TestHub } from "../helpers/test-hub";

interface NativeTask {
  state: string;
  node: string | null;
  exitCode: number | null;
}
interface NativeWorkload {
  id: string;
  name: string;
  state: string;
  quotaUnit: string | null;
  tasks: NativeTask[];
}
interface PaiItem {
  debugId: string;
  name: string;
  virtualCluster: string;
  state: string;
  subState: string;
  executionType: string;
  tags: string[];
  launchedTime: number | null;
  appExitCode: number | null;
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

describe("integration: cached workload and OpenPAI job pages show every change at once", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let core: Core;

  before(async () => {
    hub = await startTestHub({ CORRAL_SUBMIT_RATE_PER_MIN: "0", CORRAL_OPENPAI_LIST_RATE_PER_MIN: "0" });
    core = hub.hub.core;
    readyNode(core, "cache", "cache-node");
  });
  after(() => hub.close());

  const nativePage = async (): Promise<NativeWorkload[]> => {
    const r = await hub.api<{ items: NativeWorkload[] }>("GET", "/api/corral/v1/workloads?limit=100");
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };
  /**
   * `read` (a cached page's item) next to `uncached` (the same item presented afresh), read as
   * page, uncached, page: the hub's own scheduler may change the workload between two reads, so
   * only a pair with both page reads alike is compared (a stale cache gives alike page reads
   * that differ from the uncached one; a real change between them gives two different ones).
   */
  const stable = async <T>(read: () => Promise<T>, uncached: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      const a = await read();
      const fresh = await uncached();
      const b = await read();
      if (i < 5 && !isDeepStrictEqual(a, b)) continue;
      assert.deepEqual(a, fresh, "the page shows what an uncached read shows");
      return a;
    }
  };
  const nativeOne = (id: string): Promise<NativeWorkload> =>
    stable(
      async () => {
        const w = (await nativePage()).find((x) => x.id === id);
        assert.ok(w, `workload ${id} on the page`);
        return w;
      },
      // The single read presents afresh (same presenter, same names).
      async () => (await hub.api<NativeWorkload>("GET", `/api/corral/v1/workloads/${id}`)).body,
    );
  const paiPage = async (): Promise<PaiItem[]> => {
    const r = await hub.api<PaiItem[]>("GET", "/api/v2/jobs?offset=0&limit=100");
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const paiOne = (name: string): Promise<PaiItem> =>
    stable(
      async () => {
        const item = (await paiPage()).find((x) => x.name === name);
        assert.ok(item, `job ${name} on the page`);
        return item;
      },
      // Any other order presents every job afresh.
      async () => {
        const r = await hub.api<PaiItem[]>("GET", "/api/v2/jobs?order=submissionTime,ASC&limit=1000");
        return r.body.find((x) => x.name === name) as PaiItem;
      },
    );
  /** The agent's report of the workload's one task. */
  const report = (workloadId: string, state: TaskReport["state"], exitCode: number | null = null): void => {
    const t = core.workloads.tasks(workloadId)[0]!;
    core.lifecycle.applyReport(t.nodeId as string, {
      taskId: t.id,
      attempt: t.attempt,
      state,
      exitCode,
      containerId: "c1",
      ip: "10.1.0.2",
      ports: [],
      message: "",
      startedAt: state === "running" ? 1_700_000_000_000 : null,
      finishedAt: exitCode === null ? null : 1_700_000_060_000,
    });
  };

  it("native page: submit, place, start, finish and stop each show in the next read", async () => {
    const r = await hub.api<NativeWorkload>("POST", "/api/corral/v1/workloads", {
      name: "cached",
      image: "busybox",
      cluster: "cache",
      resources: { cpuMilli: 500, memoryMiB: 256 },
    });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id;
    // Read (and cache) before the scheduler runs, when it has not been placed yet.
    const submitted = await nativeOne(id);
    assert.equal(submitted.state, "pending");

    hub.hub.scheduleNow();
    const placed = await nativeOne(id);
    assert.equal(placed.tasks[0]?.state, "assigned");
    assert.equal(placed.tasks[0]?.node, "cache-node");

    report(id, "running");
    const running = await nativeOne(id);
    assert.equal(running.state, "running");
    assert.equal(running.tasks[0]?.state, "running");

    report(id, "succeeded", 0);
    const done = await nativeOne(id);
    assert.equal(done.state, "succeeded");
    assert.equal(done.tasks[0]?.exitCode, 0);

    const other = await hub.api<NativeWorkload>("POST", "/api/corral/v1/workloads", {
      name: "cached-stop",
      image: "busybox",
      cluster: "cache",
    });
    assert.equal(other.status, 201, other.text);
    await nativeOne(other.body.id);
    const stop = await hub.api("POST", `/api/corral/v1/workloads/${other.body.id}/stop`);
    assert.equal(stop.status, 202, stop.text);
    assert.notEqual((await nativeOne(other.body.id)).state, "pending");
  });

  it("OpenPAI page: submit, place, start, finish, stop and tags each show in the next read", async () => {
    const submit = async (name: string) => {
      const r = await hub.api("POST", "/api/v2/jobs", {
        protocolVersion: 2,
        name,
        type: "job",
        prerequisites: [{ type: "dockerimage", name: "img", uri: "corral-test/busybox:1" }],
        taskRoles: {
          main: {
            instances: 1,
            dockerImage: "img",
            resourcePerInstance: { cpu: 1, memoryMB: 256, gpu: 0 },
            commands: ["sleep 60"],
          },
        },
      });
      assert.equal(r.status, 202, r.text);
      return core.workloads.list().find((w) => w.name === name)!.id;
    };
    const id = await submit("pai-cached");
    const waiting = await paiOne("pai-cached");
    assert.equal(waiting.state, "WAITING");

    hub.hub.scheduleNow();
    assert.equal(core.workloads.tasks(id)[0]?.state, "assigned");
    assert.equal((await paiOne("pai-cached")).subState, "AttemptPreparing");

    report(id, "running");
    const running = await paiOne("pai-cached");
    assert.equal(running.state, "RUNNING");
    assert.equal(running.launchedTime, 1_700_000_000_000);

    const tag = await hub.api("PUT", `/api/v2/jobs/admin~pai-cached/tag`, { value: "hot" });
    assert.equal(tag.status, 200, tag.text);
    assert.deepEqual((await paiOne("pai-cached")).tags, ["hot"]);

    report(id, "succeeded", 0);
    const done = await paiOne("pai-cached");
    assert.equal(done.state, "SUCCEEDED");
    assert.equal(done.appExitCode, 0);

    await submit("pai-stopped");
    await paiOne("pai-stopped");
    const stop = await hub.api("PUT", `/api/v2/jobs/admin~pai-stopped/executionType`, { value: "STOP" });
    assert.equal(stop.status, 202, stop.text);
    assert.equal((await paiOne("pai-stopped")).executionType, "STOP");
  });

  it("both pages: a renamed quota unit shows in the next read (a name outside the workload's row)", async () => {
    const unit = core.quotaUnits.create({ name: "team-a", kind: "business" });
    const r = await hub.api<NativeWorkload>("POST", "/api/corral/v1/workloads", {
      name: "in-unit",
      image: "busybox",
      cluster: "cache",
      quotaUnit: "team-a",
    });
    assert.equal(r.status, 201, r.text);
    // Stopped first, so no scheduler pass writes it again (that would move its version anyway).
    assert.equal((await hub.api("POST", `/api/corral/v1/workloads/${r.body.id}/stop`)).status, 202);
    hub.hub.scheduleNow();
    assert.equal((await nativeOne(r.body.id)).quotaUnit, "team-a");
    // Another surface's workload: OpenPAI shows its unit's name as the virtual cluster.
    assert.equal((await paiOne("in-unit")).virtualCluster, "team-a");
    const version = core.workloadVersions.versionOf(r.body.id);
    core.quotaUnits.save({ ...core.quotaUnits.get(unit.id), name: "team-b" });
    hub.hub.scheduleNow();
    assert.equal(core.workloadVersions.versionOf(r.body.id), version, "the rename writes no workload");
    assert.equal((await nativeOne(r.body.id)).quotaUnit, "team-b");
    assert.equal((await paiOne("in-unit")).virtualCluster, "team-b");
  });
});
