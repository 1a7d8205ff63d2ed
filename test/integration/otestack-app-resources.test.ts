/**
 * An OTE app's `minCPU`/`minMemory` are what placement reserves for each replica (its requests),
 * `maxCPU`/`maxMemory` the container's limits, and its `volume` host paths are bound into the
 * container: checked on what the agent receives over the real link (a recording FakeRuntime on a
 * 2-core, 4096 MiB node).
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { TaskContainer, TaskSpec } from "../../agent/runtime/runtime";
import { fakeHardware } from "../helpers/fake-hardware";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

/** Keeps every spec the agent starts a container from. */
class RecordingRuntime extends FakeRuntime {
  readonly started: TaskSpec[] = [];
  override async start(spec: TaskSpec): Promise<TaskContainer> {
    this.started.push(spec);
    return super.start(spec);
  }
}

/** The document's POST /v1/app body, sized for the small node. */
const app = (appName: string, sizes: Record<string, number>) => ({
  appName,
  deployType: "deployment",
  image: `fake/${appName}:1`,
  version: "1.0",
  replicas: 1,
  port: [],
  command: "",
  volume: [
    { path: "/data", hostPath: "/srv/edge/data", readOnly: false },
    { path: "/host/usr/bin", hostPath: "/usr/bin", readOnly: true },
  ],
  env: [],
  minReplicas: 1,
  maxReplicas: 1,
  isHPA: false,
  targetCPUUtilization: 80,
  targetMemUtilization: 80,
  maxUnavailable: 1,
  maxSurge: 1,
  minReadySeconds: 0,
  ...sizes,
});

describe("integration: OTE-stack app requests, limits and host-path volumes", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let agent: RunningAgent;
  const runtime = new RecordingRuntime({ nodeId: "small" });
  let admin: OteClient;

  const deploy = async (name: string) => {
    const created = await admin.call("POST", "/v1/app", app(name, sizes[name] ?? {}));
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const res = await admin.call("POST", "/v1/deploy", {
      deployName: name,
      appName: name,
      version: "1.0.0",
      cluster: "all",
      nodeLabel: "all",
      comment: "",
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const taskOf = (role: string) =>
    waitFor(() => {
      const w = hub.hub.core.workloads.list().find((x) => x.roles.some((r) => r.name === role));
      return w ? hub.hub.core.workloads.tasks(w.id)[0] : undefined;
    }, `a replica of ${role}`);
  /** minCPU/maxCPU: percent of a core; minMemory/maxMemory: MB. */
  const sizes: Record<string, Record<string, number>> = {
    // Limits above the node (4 cores, 8 GB) but requests that fit (1.5 cores, 1 GB).
    fits: { minCPU: 150, maxCPU: 400, minMemory: 1024, maxMemory: 8192 },
    // One more core requested: 0.5 of the node's 2 cores are left.
    big: { minCPU: 100, maxCPU: 100, minMemory: 64, maxMemory: 64 },
  };

  before(async () => {
    hub = await startTestHub({ CORRAL_OTE_HPA_INTERVAL_MS: "200" });
    agent = startTestAgent(hub, {
      name: "small",
      cluster: "edge",
      runtime,
      hardware: fakeHardware({ hostname: "small", cores: 2, memoryMiB: 4096 }),
    });
    await agent.welcomed();
    admin = new OteClient(hub.hub.httpUrl);
    await admin.login(ADMIN.username, ADMIN.password);
    const biz = await admin.call<{ id: number }>("POST", "/v1/business", {
      name: "sizes",
      introduce: "i",
      objective: "o",
      scale: "s",
    });
    const ok = await admin.call("PUT", `/v1/business/id/${biz.body.data?.id}`, { comment: "ok", status: 1 });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
  after(async () => {
    await agent?.stop();
    await hub?.close();
  });

  it("reserves minCPU/minMemory, limits the container to maxCPU/maxMemory and binds the host paths", async () => {
    await deploy("fits");
    const spec = await waitFor(
      () => runtime.started.find((s) => s.name.startsWith("fits-")),
      "fits started on the small node",
    );
    assert.deepEqual([spec.cpuMilli, spec.memoryMiB], [4000, 8192]);
    assert.deepEqual(spec.hostPaths, [
      { hostPath: "/srv/edge/data", mountPath: "/data", readOnly: false },
      { hostPath: "/usr/bin", mountPath: "/host/usr/bin", readOnly: true },
    ]);
    const role = hub.hub.core.workloads
      .list()
      .flatMap((w) => w.roles)
      .find((r) => r.name === "fits");
    assert.deepEqual(role?.resources, { cpuMilli: 1500, memoryMiB: 1024, gpu: 0 });
    const shown = await admin.call<Record<string, unknown>[]>(
      "GET",
      "/v1/app?appName=fits&appNameMode=strict",
    );
    const [view] = (shown.body as unknown as { apps: Record<string, unknown>[] }).apps;
    assert.deepEqual(
      [view?.["minCPU"], view?.["maxCPU"], view?.["minMemory"], view?.["maxMemory"]],
      [1.5, 4, 1024, 8192],
    );
    assert.deepEqual(view?.["volume"], app("fits", {}).volume);
  });

  it("leaves a replica whose requests the node has no room for pending, with the reason", async () => {
    await deploy("big");
    const task = await waitFor(async () => {
      const t = await taskOf("big");
      return t && /insufficient cpu/.test(t.reason ?? "") ? t : undefined;
    }, "big waits for cpu");
    assert.equal(task.state, "pending");
    assert.equal(task.reason, "insufficient cpu (1000m) on 1 ready matching node");
    assert.ok(!runtime.started.some((s) => s.name.startsWith("big-")));
  });

  it("autoscales on utilisation of the requests (minCPU), as Kubernetes does, not of the limits", async () => {
    // 150 m used: 150 % of the 100 m requested (over the 100 % target), 15 % of the 1000 m limit.
    runtime.setUsage({ cpuPercent: 15, memoryUsedMiB: 8 });
    sizes["auto"] = { minCPU: 10, maxCPU: 100, minMemory: 16, maxMemory: 64 };
    const body = {
      ...app("auto", sizes["auto"]),
      volume: [],
      isHPA: true,
      minReplicas: 1,
      maxReplicas: 2,
      targetCPUUtilization: 100,
      targetMemUtilization: 100,
    };
    const created = await admin.call("POST", "/v1/app", body);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const res = await admin.call("POST", "/v1/deploy", {
      deployName: "auto",
      appName: "auto",
      version: "1.0.0",
      cluster: "all",
      nodeLabel: "all",
      comment: "",
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitFor(
      () => hub.hub.core.replicatedServices.list().find((x) => x.name === "auto" && x.replicas === 2),
      "auto scaled up to 2 replicas",
      20_000,
      50,
    );
  });

  it("refuses a host path that is not clean (422 naming the field)", async () => {
    const res = await admin.call("POST", "/v1/app", {
      ...app("bad", sizes["big"] ?? {}),
      volume: [{ path: "/x", hostPath: "/srv/../etc", readOnly: true }],
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.field, "volume.0.hostPath");
  });
});
