/**
 * Replicated services driven through core alone (no surface): create, scale, roll out a new
 * revision, roll back, per-node placement, registry credentials and the status in words, over a
 * real in-process hub (its service controller on its own timer) and FakeRuntime agents.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../agent/runtime/runtime";
import type { Core } from "../../hub/core";
import type { NewRevision, ReplicatedService, ServiceStatus } from "../../hub/core/services/model";
import { fakeHardware } from "../helpers/fake-hardware";
import { startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

const revision = (version: string, env: Record<string, string> = {}, minReadySeconds = 0): NewRevision => ({
  version,
  spec: {
    image: "fake/svc",
    command: [],
    args: [],
    env,
    ports: [],
    cpuMilli: 100,
    memoryMiB: 64,
    registryCredentialId: null,
  },
  rollout: { maxSurge: 2, maxUnavailable: 0, minReadySeconds },
  autoscale: {
    enabled: false,
    minReplicas: 1,
    maxReplicas: 5,
    cpuTargetPercent: 80,
    memoryTargetPercent: 80,
  },
  templateId: null,
});

describe("integration: replicated services in core (no surface)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  let core: Core;
  const agents: RunningAgent[] = [];
  const runtimes = new Map<string, FakeRuntime>();

  /** Versions of the service's running replicas, by node name, sorted. */
  const running = (s: ReplicatedService) =>
    core.serviceController
      .replicas(s.id)
      .filter((r) => r.running)
      .map((r) => `${core.nodes.findById(r.link.nodeId)?.name}:${r.link.revision}`)
      .sort();
  const statusOf = (s: ReplicatedService): ServiceStatus => core.replicatedServices.get(s.id).status;
  /** Waits until pred holds, recording every status seen on the way. */
  const until = async (s: ReplicatedService, pred: () => boolean, what: string, seen?: Set<string>) =>
    waitFor(
      () => {
        seen?.add(statusOf(s));
        return pred();
      },
      what,
      20_000,
      10,
    );

  before(async () => {
    hub = await startTestHub({ CORRAL_OTE_NO_TARGET_TIMEOUT_MS: "500" });
    core = hub.hub.core;
    for (const [name, labels] of [
      ["s1", ["gpu"]],
      ["s2", ["gpu"]],
      ["s3", []],
    ] as const) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      agents.push(
        startTestAgent(hub, {
          name,
          cluster: "svc",
          labels: [...labels],
          runtime,
          hardware: fakeHardware({ hostname: name }),
        }),
      );
    }
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("creates, scales, rolls out, rolls back and deletes a service, saying its status in words", async () => {
    let s = core.replicatedServices.create({
      scope: "team-a",
      name: "web",
      owner: "admin",
      placement: "spread",
      targets: { clusterLabel: null, nodeLabel: null },
      replicas: 3,
    });
    assert.equal(s.status, "stopped", "no revision yet: nothing runs");
    assert.equal(s.current, null);

    s = core.replicatedServices.rollOut(s, revision("v1", {}, 1), "admin");
    assert.equal(s.status, "progressing");
    await until(s, () => statusOf(s) === "available", "v1 available");
    assert.deepEqual(running(s), ["s1:1", "s2:1", "s3:1"]);

    // Scaling up leaves it short of ready replicas for minReadySeconds: degraded, then available.
    const scaled = new Set<string>();
    s = core.replicatedServices.scale(s, 4);
    await until(s, () => statusOf(s) === "available" && running(s).length === 4, "scaled to 4", scaled);
    assert.ok(scaled.has("degraded"), `degraded while the 4th replica readies: ${[...scaled]}`);

    const rolled = new Set<string>();
    s = core.replicatedServices.rollOut(s, revision("v2", { V: "2" }), "admin");
    assert.equal(s.status, "progressing");
    await until(
      s,
      () =>
        statusOf(s) === "available" && running(s).every((r) => r.endsWith(":2")) && running(s).length === 4,
      "v2 rolled out",
      rolled,
    );
    assert.ok(!rolled.has("degraded") && !rolled.has("failed"), `a rollout progresses: ${[...rolled]}`);
    assert.deepEqual(
      core.replicatedServices.get(s.id).revisions.map((r) => [r.number, r.version]),
      [
        [1, "v1"],
        [2, "v2"],
      ],
    );

    s = core.replicatedServices.rollBack(s, 1, "admin");
    assert.equal(s.status, "progressing");
    await until(
      s,
      () =>
        statusOf(s) === "available" && running(s).every((r) => r.endsWith(":1")) && running(s).length === 4,
      "rolled back to v1",
    );
    assert.deepEqual(
      core.replicatedServices.get(s.id).history.map((h) => [h.cause, h.revision]),
      [
        ["start", 1],
        ["update", 2],
        ["rollback", 1],
      ],
    );
    assert.throws(() => core.replicatedServices.rollBack(s, 1, "admin"), /already runs revision 1/);
    assert.throws(() => core.replicatedServices.rollBack(s, 9, "admin"), /no revision 9/);

    const gone = core.replicatedServices.delete(s);
    assert.equal(gone.status, "stopped");
    await waitFor(() => core.serviceController.replicas(s.id).length === 0, "replicas stopped");
    await waitFor(
      () => [...runtimes.values()].every((r) => r.containers().every((c) => c.state !== "running")),
      "containers stopped",
    );
    assert.throws(() => core.replicatedServices.get(s.id), /not found/i);
  });

  it("runs a per-node service on every labelled node and pulls with a stored registry credential", async () => {
    const seen: TaskSpec[] = [];
    for (const r of runtimes.values()) {
      const start = r.start.bind(r);
      r.start = (spec: TaskSpec) => {
        seen.push(spec);
        return start(spec);
      };
    }
    const credential = core.registryCredentials.create({
      name: "private",
      address: "registry.example:5000",
      username: "puller",
      password: "Pull-Secret-1",
      owner: "admin",
    });
    const v1 = revision("v1");
    const s = core.replicatedServices.create({
      scope: "team-a",
      name: "agent",
      owner: "admin",
      placement: "per-node",
      targets: { clusterLabel: null, nodeLabel: "gpu" },
      replicas: 1,
      revision: { ...v1, spec: { ...v1.spec, registryCredentialId: credential.id } },
    });
    await until(s, () => statusOf(s) === "available", "per-node service available");
    assert.deepEqual(running(s), ["s1:1", "s2:1"]);
    assert.ok(seen.length >= 2, `both replicas started (${seen.length})`);
    for (const spec of seen)
      assert.deepEqual(spec.registryAuth, {
        serverAddress: "registry.example:5000",
        username: "puller",
        password: "Pull-Secret-1",
      });
    const rows = JSON.stringify(core.workloads.list().map((w) => w.roles));
    assert.ok(!rows.includes("Pull-Secret-1"), "workload rows name the credential, never hold it");
    assert.throws(
      () => core.registryCredentials.delete(core.registryCredentials.get(credential.id)),
      /is used by service agent/,
    );
    core.replicatedServices.delete(s);
    await waitFor(() => core.serviceController.replicas(s.id).length === 0, "per-node replicas stopped");
    core.registryCredentials.delete(credential);
    assert.equal(core.registryCredentials.find(credential.id), undefined);
  });

  it("fails a service no node matches past the timeout, and makes it available once one does", async () => {
    const s = core.replicatedServices.create({
      scope: "team-a",
      name: "lonely",
      owner: "admin",
      placement: "spread",
      targets: { clusterLabel: null, nodeLabel: "nowhere" },
      replicas: 1,
      revision: revision("v1"),
    });
    await until(s, () => statusOf(s) === "failed", "failed: no node matches");
    assert.match(
      core.serviceController.health(core.replicatedServices.get(s.id)).reason ?? "",
      /no ready node/,
    );
    const s3 = core.nodes.list().find((n) => n.name === "s3");
    assert.ok(s3);
    core.nodes.addLabel(s3, "nowhere");
    await until(s, () => statusOf(s) === "available", "available once a node matches");
    assert.deepEqual(running(s), ["s3:1"]);
    core.replicatedServices.delete(s);
  });
});
