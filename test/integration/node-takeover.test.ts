import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { status, type ServiceError } from "@grpc/grpc-js";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { JoinRequest, JoinResponse } from "../../proto/gen/corral/v1/agent_link";
import { generateKeyPair } from "../../lib/pki/certificates";
import { createCsr } from "../../lib/pki/csr";
import { rawJoin } from "../helpers/agent-link-client";
import { TcpProxy } from "../helpers/tcp-proxy";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface NodeJson {
  id: string;
  name: string;
  status: string;
  labels: string[];
  allowedLabels: string[] | null;
  hardwareChangedAt: string | null;
  replacePending: boolean;
}
interface WorkloadJson {
  id: string;
  state: string;
  tasks: { state: string; node: string | null; containerId: string | null }[];
}

/**
 * One Join over TLS, as an agent (or an impostor) on another machine sends it: each with a key of
 * its own (a join signed with the key of the node's live certificate is that node's own retry).
 */
const join = async (hub: TestHub, req: Partial<JoinRequest>): Promise<JoinResponse> =>
  rawJoin(hub, { certificateRequest: createCsr(await generateKeyPair(), "impostor"), ...req });

const refusedAsTaken = (name: string) => (err: unknown) => {
  const e = err as ServiceError;
  assert.equal(e.code, status.ALREADY_EXISTS);
  assert.match(e.details, new RegExp(`node ${name} .*live credential.*corral node replace ${name}`));
  return true;
};

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "corral-agent-"));

describe("integration: a join never takes over a node with a live credential (loopback gRPC)", function () {
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const node = async (name: string) => (await hub.api<NodeJson>("GET", `/api/corral/v1/nodes/${name}`)).body;
  const workload = async (id: string) =>
    (await hub.api<WorkloadJson>("GET", `/api/corral/v1/workloads/${id}`)).body;
  const start = (opts: Parameters<typeof startTestAgent>[1]) => {
    const a = startTestAgent(hub, opts);
    agents.push(a);
    return a;
  };

  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  const victimDir = tempDir();
  let victim: RunningAgent;
  let victimId = "";
  let workloadId = "";
  let containerId: string | null = null;

  it("refuses an impostor with a valid join token and the node's name; the real agent keeps its link and tasks", async () => {
    victim = start({ name: "victim", labels: ["victim"], dataDir: victimDir });
    victimId = await victim.welcomed();
    const submitted = await hub.api<WorkloadJson>("POST", "/api/corral/v1/workloads", {
      name: "secret-work",
      image: "fake",
      env: { FAKE_RUN_FOR_MS: "-1", API_KEY: "s3cret" },
      nodeSelector: ["victim"],
    });
    workloadId = submitted.body.id;
    containerId = await waitFor(async () => {
      const t = (await workload(workloadId)).tasks[0];
      return t?.state === "running" ? t.containerId : null;
    }, "task running on victim");

    await assert.rejects(join(hub, { nodeName: "victim" }), refusedAsTaken("victim"));
    await assert.rejects(
      join(hub, { nodeName: "victim", nodeCredential: `${victimId}.forged` }),
      refusedAsTaken("victim"),
    );
    // An impostor agent (no stored credential, the bootstrap token, the victim's name) gets nothing.
    const impostor = start({
      name: "victim",
      runtime: new FakeRuntime({ nodeId: "impostor" }),
      generateKey: generateKeyPair,
    });
    const err = await new Promise<Error>((resolve) => impostor.link.once("joinRefused", resolve));
    assert.match(err.message, /live credential/);
    assert.equal(impostor.link.nodeId, null);
    await impostor.stop();
    assert.equal(impostor.runtime instanceof FakeRuntime && impostor.runtime.containers().length, 0);

    assert.equal(victim.link.connected, true, "the real agent keeps its stream");
    const n = await node("victim");
    assert.equal(n.status, "ready");
    const t = (await workload(workloadId)).tasks[0];
    assert.equal(t?.state, "running", "the real agent keeps its task");
    assert.equal(t?.containerId, containerId);
  });

  it("the real agent restarting (with its stored credential) is the same node, task and container", async () => {
    await victim.stop();
    victim = start({ name: "victim", labels: ["victim"], dataDir: victimDir, runtime: victim.runtime });
    assert.equal(await victim.welcomed(), victimId);
    const t = (await workload(workloadId)).tasks[0];
    assert.equal(t?.state, "running");
    assert.equal(t?.containerId, containerId);
  });

  it("a rejoin that proves the node's credential gets a fresh one; the old one proves nothing after", async () => {
    const first = await join(hub, { nodeName: "proof-node" });
    await assert.rejects(join(hub, { nodeName: "proof-node" }), refusedAsTaken("proof-node"));
    const again = await join(hub, { nodeName: "proof-node", nodeCredential: first.nodeCredential });
    assert.equal(again.nodeId, first.nodeId);
    assert.notEqual(again.nodeCredential, first.nodeCredential);
    await assert.rejects(
      join(hub, { nodeName: "proof-node", nodeCredential: first.nodeCredential }),
      refusedAsTaken("proof-node"),
    );
  });

  it("after an admin's replace, the old agent is cut off and the next join takes the node over, once", async () => {
    // Restarted without a join token, the old agent can only use its stored credential.
    await victim.stop();
    victim = start({ name: "victim", dataDir: victimDir, runtime: victim.runtime, joinToken: "" });
    assert.equal(await victim.welcomed(), victimId);

    const anonymous = await hub.api("POST", "/api/corral/v1/nodes/victim/replace", undefined, null);
    assert.equal(anonymous.status, 401);
    const replaced = await hub.api<NodeJson>("POST", "/api/corral/v1/nodes/victim/replace");
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.replacePending, true);
    await waitFor(() => !victim.link.connected, "the old agent's stream is closed");

    const replacement = start({
      name: "victim",
      dataDir: tempDir(),
      runtime: new FakeRuntime({ nodeId: "replacement" }),
      generateKey: generateKeyPair,
    });
    assert.equal(await replacement.welcomed(), victimId, "the node keeps its id");
    assert.equal((await node("victim")).replacePending, false);
    await assert.rejects(join(hub, { nodeName: "victim" }), refusedAsTaken("victim"));

    // The old credential stays refused: the old agent never gets its stream back.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(victim.link.connected, false);
    assert.equal((victim.link.lastError as ServiceError | null)?.code, status.UNAUTHENTICATED);
    assert.equal(replacement.link.connected, true);
  });

  it("drops labels outside the join token's allowedLabels", async () => {
    const created = await hub.api<{ token: string; allowedLabels: string[] | null }>(
      "POST",
      "/api/corral/v1/join-tokens",
      { description: "edge", allowedLabels: ["zone=*", "edge"] },
    );
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.allowedLabels, ["zone=*", "edge"]);
    const edge = start({
      name: "edge-1",
      joinToken: created.body.token,
      labels: ["zone=a", "edge", "gpu", "admin=yes"],
    });
    await edge.welcomed();
    const n = await node("edge-1");
    assert.deepEqual(n.labels, ["zone=a", "edge"]);
    assert.deepEqual(n.allowedLabels, ["zone=*", "edge"]);
    // An admin may still add any label.
    const added = await hub.api<NodeJson>("POST", "/api/corral/v1/nodes/edge-1/labels", { label: "gpu" });
    assert.deepEqual(added.body.labels, ["zone=a", "edge", "gpu"]);
  });

  it("flags a change of the node's GPUs", async () => {
    const dir = tempDir();
    let agent = start({ name: "gpu-box", dataDir: dir, hardware: fakeHardware({ gpus: fakeGpus(2) }) });
    await agent.welcomed();
    assert.equal((await node("gpu-box")).hardwareChangedAt, null);
    await agent.stop();
    agent = start({ name: "gpu-box", dataDir: dir, hardware: fakeHardware({ gpus: fakeGpus(1) }) });
    await agent.welcomed();
    const n = await node("gpu-box");
    assert.ok(n.hardwareChangedAt !== null && !Number.isNaN(Date.parse(n.hardwareChangedAt)));
  });

  it("an agent whose join answer was lost (link reset after the hub took it) joins again with the same key", async () => {
    const proxy = await TcpProxy.start(hub.hub.grpcAddress);
    const nodes = hub.hub.core.nodes;
    const realJoin = nodes.join.bind(nodes);
    let joins = 0;
    // The first join is taken, then every connection is reset before its answer leaves the hub.
    nodes.join = (...args: Parameters<typeof realJoin>) => {
      const taken = realJoin(...args);
      if (++joins === 1) proxy.dropAll();
      return taken;
    };
    let keysMade = 0;
    const lost = start({
      name: "lost-answer",
      hubAddress: proxy.address,
      generateKey: () => (keysMade++, generateKeyPair()),
    });
    try {
      const id = await lost.welcomed();
      assert.equal(joins, 2, "taken twice: the lost answer, then the retry");
      assert.equal(keysMade, 1, "the retry signs with the first join's key");
      assert.equal((await node("lost-answer")).id, id);
      // Anyone else still gets nothing.
      await assert.rejects(join(hub, { nodeName: "lost-answer" }), refusedAsTaken("lost-answer"));
    } finally {
      nodes.join = realJoin;
      await proxy.close();
    }
  });
});
