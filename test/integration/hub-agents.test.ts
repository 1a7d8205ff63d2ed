import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { TcpProxy } from "../helpers/tcp-proxy";
import { waitFor } from "../helpers/wait";

interface NodeJson {
  id: string;
  name: string;
  status: string;
  labels: string[];
  hardware: { cpu: { cores: number }; gpus: { uuid: string }[] };
  allocated: { cpuMilli: number; memoryMiB: number; gpu: number };
}
interface WorkloadJson {
  id: string;
  state: string;
  tasks: {
    index: number;
    state: string;
    node: string | null;
    exitCode: number | null;
    containerId: string | null;
    gpus: string[];
    reason: string | null;
  }[];
}

const node = async (h: TestHub, name: string) =>
  (await h.api<NodeJson>("GET", `/api/corral/v1/nodes/${name}`)).body;
const nodeCount = async (h: TestHub) =>
  (await h.api<{ items: NodeJson[] }>("GET", "/api/corral/v1/nodes")).body.items.length;
const workload = async (h: TestHub, id: string) =>
  (await h.api<WorkloadJson>("GET", `/api/corral/v1/workloads/${id}`)).body;

describe("integration: a hub and 3 agents over loopback gRPC (FakeRuntime)", function () {
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const proxies: TcpProxy[] = [];

  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    for (const a of agents) await a.stop();
    for (const p of proxies) await p.close();
    await hub.close();
  });

  it("joins and registers three nodes with their hardware", async () => {
    for (const [i, name] of ["n1", "n2", "n3"].entries()) {
      agents.push(
        startTestAgent(hub, {
          name,
          labels: [`rack=${i}`],
          hardware: fakeHardware({ cores: 4, gpus: i === 2 ? fakeGpus(2) : [] }),
        }),
      );
    }
    await Promise.all(agents.map((a) => a.welcomed()));
    await waitFor(async () => (await node(hub, "n3")).status === "ready", "n3 ready");
    const n3 = await node(hub, "n3");
    assert.deepEqual(n3.labels, ["rack=2"]);
    assert.equal(n3.hardware.cpu.cores, 4);
    assert.deepEqual(
      n3.hardware.gpus.map((g) => g.uuid),
      fakeGpus(2).map((g) => g.uuid),
    );
    assert.equal(await nodeCount(hub), 3);
  });

  it("places a 3-instance workload and sees it complete", async () => {
    const res = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "three",
      image: "fake",
      instances: 3,
      env: { FAKE_RUN_FOR_MS: "50" },
      resources: { cpuMilli: 3000 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitFor(async () => {
      const w = await workload(hub, res.body.id);
      return w.state === "succeeded" ? w : null;
    }, "workload succeeded");
    assert.equal(done.tasks.length, 3);
    // 3000m each on 4-core nodes: one task per node.
    assert.deepEqual(new Set(done.tasks.map((t) => t.node)), new Set(["n1", "n2", "n3"]));
    for (const t of done.tasks) {
      assert.equal(t.exitCode, 0);
      assert.ok(t.containerId);
    }
  });

  it("hands GPU tasks the UUIDs of the node's free GPUs and says why a task waits", async () => {
    const res = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "gpu",
      image: "fake",
      instances: 3,
      env: { FAKE_RUN_FOR_MS: "-1" },
      resources: { gpu: 1 },
    });
    const w = await waitFor(async () => {
      const x = await workload(hub, res.body.id);
      return x.tasks.filter((t) => t.state === "running").length === 2 && x.tasks.some((t) => t.reason)
        ? x
        : null;
    }, "two GPU tasks running, one waiting");
    const running = w.tasks.filter((t) => t.state === "running");
    assert.deepEqual(
      running.flatMap((t) => t.gpus).sort(),
      fakeGpus(2).map((g) => g.uuid),
    );
    const waiting = w.tasks.find((t) => t.state === "pending");
    assert.match(waiting?.reason ?? "", /insufficient gpu/);
    // The node listing shows what the running tasks hold (core.nodes.allocations()).
    assert.deepEqual((await node(hub, "n3")).allocated.gpu, 2);
    assert.deepEqual((await node(hub, "n1")).allocated, { cpuMilli: 0, memoryMiB: 0, gpu: 0 });
    const stopped = await hub.api<WorkloadJson>("POST", `/api/corral/v1/workloads/${res.body.id}/stop`);
    assert.equal(stopped.status, 202);
    await waitFor(async () => (await workload(hub, res.body.id)).state === "stopped", "GPU workload stopped");
  });

  it("steers placement with node labels and cordon, and manages cluster labels", async () => {
    const label = await hub.api<NodeJson>("POST", "/api/corral/v1/nodes/n2/labels", { label: "pool=blue" });
    assert.equal(label.status, 200);
    assert.ok(label.body.labels.includes("pool=blue"));
    const cordon = await hub.api<{ schedulable: boolean }>("POST", "/api/corral/v1/nodes/n2/cordon");
    assert.equal(cordon.body.schedulable, false);
    const res = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "blue",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "10" },
      nodeSelector: ["pool=blue"],
    });
    const waiting = await waitFor(
      async () => (await workload(hub, res.body.id)).tasks[0]?.reason?.includes("cordoned") ?? false,
      "task waits on a cordoned node",
    );
    assert.ok(waiting);
    await hub.api("POST", "/api/corral/v1/nodes/n2/uncordon");
    const done = await waitFor(async () => {
      const w = await workload(hub, res.body.id);
      return w.state === "succeeded" ? w : null;
    }, "labelled workload ran after uncordon");
    assert.equal(done.tasks[0]?.node, "n2");
    const removed = await hub.api<NodeJson>(
      "DELETE",
      `/api/corral/v1/nodes/n2/labels/${encodeURIComponent("pool=blue")}`,
    );
    assert.ok(!removed.body.labels.includes("pool=blue"));
    const missing = await hub.api<{ code: string }>("DELETE", "/api/corral/v1/nodes/n2/labels/absent");
    assert.equal(missing.status, 404);

    const clusters = await hub.api<{ items: { name: string; nodeCount: number; readyNodeCount: number }[] }>(
      "GET",
      "/api/corral/v1/clusters",
    );
    assert.deepEqual(
      clusters.body.items.map((c) => [c.name, c.nodeCount, c.readyNodeCount]),
      [["default", 3, 3]],
    );
    const cl = await hub.api<{ labels: string[] }>("POST", "/api/corral/v1/clusters/default/labels", {
      label: "city=guangzhou",
    });
    assert.deepEqual(cl.body.labels, ["city=guangzhou"]);
    const cl2 = await hub.api<{ labels: string[] }>(
      "DELETE",
      `/api/corral/v1/clusters/default/labels/${encodeURIComponent("city=guangzhou")}`,
    );
    assert.deepEqual(cl2.body.labels, []);
    const bad = await hub.api<{ field: string }>("POST", "/api/corral/v1/clusters/default/labels", {
      label: "a,b",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "label");
  });

  it("marks a node notready when its heartbeats stop, and ready with the same identity after it reconnects", async () => {
    const proxy = await TcpProxy.start(hub.hub.grpcAddress);
    proxies.push(proxy);
    const flaky = startTestAgent(hub, { name: "flaky", hardware: fakeHardware(), hubAddress: proxy.address });
    agents.push(flaky);
    const id = await flaky.welcomed();
    await waitFor(async () => (await node(hub, "flaky")).status === "ready", "flaky ready");
    proxy.freeze(); // packets stop, nothing is closed: heartbeats are lost
    await waitFor(
      async () => (await node(hub, "flaky")).status === "notready",
      "flaky notready after missed heartbeats",
    );
    proxy.thaw();
    proxy.dropAll(); // the link breaks; the agent reconnects
    await waitFor(async () => (await node(hub, "flaky")).status === "ready", "flaky ready again");
    const again = await node(hub, "flaky");
    assert.equal(again.id, id);
    assert.equal(await nodeCount(hub), 4, "no duplicate node row");
  });

  it("refuses a join with a revoked token", async () => {
    const created = await hub.api<{ id: string; token: string }>("POST", "/api/corral/v1/join-tokens", {
      description: "soon revoked",
    });
    assert.equal(created.status, 201);
    const revoked = await hub.api<{ valid: boolean }>(
      "DELETE",
      `/api/corral/v1/join-tokens/${created.body.id}`,
    );
    assert.equal(revoked.body.valid, false);
    const intruder = startTestAgent(hub, { name: "intruder", joinToken: created.body.token });
    agents.push(intruder);
    const err = await new Promise<Error>((resolve) => intruder.link.once("joinRefused", resolve));
    assert.match(err.message, /revoked/);
    assert.equal(intruder.link.nodeId, null);
    const names = (await hub.api<{ items: NodeJson[] }>("GET", "/api/corral/v1/nodes")).body.items.map(
      (n) => n.name,
    );
    assert.ok(!names.includes("intruder"));
  });

  it("keeps a task running across an agent restart and reports the same container", async () => {
    const runtime = new FakeRuntime({ nodeId: "restart-node" });
    // A restarted agent is the same node because it keeps its credential in its data dir (issue 13:
    // a join without it would be an impostor's).
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-agent-"));
    let agent = startTestAgent(hub, { name: "restart-node", runtime, labels: ["restart"], dataDir });
    await agent.welcomed();
    const res = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "long",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1" },
      nodeSelector: ["restart"],
    });
    const before = await waitFor(async () => {
      const w = await workload(hub, res.body.id);
      return w.tasks[0]?.state === "running" ? w.tasks[0] : null;
    }, "task running");
    await agent.link.stop();
    agent = startTestAgent(hub, { name: "restart-node", runtime, labels: ["restart"], dataDir });
    agents.push(agent);
    await agent.welcomed();
    const after = (await workload(hub, res.body.id)).tasks[0];
    assert.equal(after?.state, "running");
    assert.equal(after?.containerId, before.containerId);
    assert.equal(runtime.containers().filter((c) => c.state === "running").length, 1);
    await hub.api("POST", `/api/corral/v1/workloads/${res.body.id}/stop`);
    await waitFor(async () => (await workload(hub, res.body.id)).state === "stopped", "stopped");
  });
});
