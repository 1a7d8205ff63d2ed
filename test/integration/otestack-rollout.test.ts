/**
 * OTE-stack deployments that cannot reach their desired state, and rollouts bounded by
 * maxUnavailable, over a real in-process hub and FakeRuntime agents. The failure policy is
 * shortened: 3 restarts within 4 s crash-loop a replica, 1 s without a target node fails.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import { fakeHardware } from "../helpers/fake-hardware";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Deploy {
  status: number;
  errorMessage: string;
  replicaList?: { nodeName: string; version: string; state: string; ready: boolean }[];
}
interface Health {
  running: number;
  error: number;
  total: number;
  reason?: string;
}

describe("integration: OTE-stack failed deployments and maxUnavailable rollouts", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const runtimes = new Map<string, FakeRuntime>();
  let client: OteClient;
  let ns = "";

  const get = async (name: string) =>
    (await client.call<Deploy>("GET", `/v1/deploy/${name}?field=replicaList`)).body.data as Deploy;
  const health = (d: Deploy) => JSON.parse(d.errorMessage) as Health;
  const until = (name: string, pred: (d: Deploy) => boolean, what: string, ms = 20_000) =>
    waitFor(
      async () => {
        const d = await get(name);
        return pred(d) ? d : null;
      },
      what,
      ms,
      50,
    );
  const app = async (appName: string, extra: Record<string, unknown>) => {
    const res = await client.call<{ version: string }>("POST", "/v1/app", {
      appName,
      version: "1.0",
      namespace: ns,
      image: `fake/${appName}`,
      minReadySeconds: 0,
      cpu: 100,
      memory: 64,
      ...extra,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data?.version as string;
  };
  const deploy = async (name: string, version: string, nodeLabel = "all") => {
    const res = await client.call("POST", "/v1/deploy", {
      deployName: name,
      appName: name,
      version,
      namespace: ns,
      clusterLabel: "all",
      nodeLabel,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  before(async () => {
    hub = await startTestHub({
      CORRAL_OTE_CRASH_LOOP_RESTARTS: "3",
      CORRAL_OTE_CRASH_LOOP_WINDOW_MS: "4000",
      CORRAL_OTE_NO_TARGET_TIMEOUT_MS: "1000",
    });
    for (const name of ["r1", "r2", "r3"]) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      agents.push(
        startTestAgent(hub, { name, cluster: "ro", runtime, hardware: fakeHardware({ hostname: name }) }),
      );
    }
    await Promise.all(agents.map((a) => a.welcomed()));
    client = new OteClient(hub.hub.httpUrl);
    await client.login(ADMIN.username, ADMIN.password);
    const biz = await client.call<{ id: number }>("POST", "/v1/business", { name: "rollouts" });
    const ok = await client.call<{ namespace: string }>("PUT", `/v1/business/id/${biz.body.data?.id}`, {
      status: 1,
    });
    ns = ok.body.data?.namespace as string;
    assert.ok(ns);
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("rolls 3 replicas with maxSurge 0 / maxUnavailable 1: never < 2 available nor > 3 live", async () => {
    const v1 = await app("roll", { replicas: 3, maxSurge: 0, maxUnavailable: 1, minReadySeconds: 1 });
    const v2 = await app("roll", {
      replicas: 3,
      maxSurge: 0,
      maxUnavailable: 1,
      minReadySeconds: 1,
      envs: { V: "2" },
    });
    await deploy("roll", v1);
    await until(
      "roll",
      (d) => d.status === 5 && (d.replicaList ?? []).filter((r) => r.ready).length === 3,
      "3 ready replicas of the first version",
    );
    /** Containers of this deployment the agents really run, whatever the hub's view. */
    const containersRunning = () => {
      const ids = new Set(
        hub.hub.core.workloads
          .list()
          .filter((w) => w.name.startsWith("roll-"))
          .map((w) => w.id),
      );
      return [...runtimes.values()]
        .flatMap((r) => r.containers())
        .filter((c) => c.state === "running" && ids.has(c.workloadId)).length;
    };
    // Containers take 1.5 s to stop (a slow SIGTERM): a stopping replica still holds its slot.
    const stops = new Map<FakeRuntime, FakeRuntime["stop"]>();
    for (const r of runtimes.values()) {
      const stop = r.stop.bind(r);
      stops.set(r, r.stop);
      r.stop = async (id, grace) => {
        await new Promise((res) => setTimeout(res, 1500));
        return stop(id, grace);
      };
    }
    assert.equal((await client.call("PUT", "/v1/deploy/roll/upgrade", { version: v2 })).status, 200);
    let minAvailable = Infinity;
    let maxListed = 0;
    let maxContainers = 0;
    let samples = 0;
    const done = await waitFor(
      async () => {
        const d = await get("roll");
        const list = d.replicaList ?? [];
        samples++;
        minAvailable = Math.min(minAvailable, list.filter((r) => r.ready).length);
        maxListed = Math.max(maxListed, list.length);
        maxContainers = Math.max(maxContainers, containersRunning());
        return d.status === 5 && list.length === 3 && list.every((r) => r.version === v2 && r.ready)
          ? d
          : null;
      },
      "rolled onto the new version",
      30_000,
      20,
    );
    assert.ok(samples > 50, `sampled the rollout (${samples} samples)`);
    assert.ok(minAvailable >= 2, `never fewer than 2 available, saw ${minAvailable}`);
    assert.ok(maxListed <= 3, `never more than 3 replicas listed, saw ${maxListed}`);
    assert.ok(maxContainers <= 3, `never more than 3 containers running, saw ${maxContainers}`);
    assert.deepEqual(health(done), { running: 3, error: 0, total: 3 });
    for (const [r, stop] of stops) r.stop = stop;
    await client.call("DELETE", "/v1/deploy/roll");
    await waitFor(() => containersRunning() === 0, "roll's containers stopped");
  });

  it("fails a deployment whose replicas crash-loop (status 7) and recovers when an upgrade runs", async () => {
    const bad = await app("loop", { replicas: 2, envs: { FAKE_RUN_FOR_MS: "50", FAKE_EXIT_CODE: "1" } });
    const good = await app("loop", { replicas: 2 });
    await deploy("loop", bad);
    const failed = await until("loop", (d) => d.status === 7, "status 4 (failed)");
    const h = health(failed);
    assert.equal(h.total, 2);
    assert.ok(h.error >= 1 && h.error <= 2, `error counts crash-looping replicas: ${failed.errorMessage}`);
    assert.match(h.reason ?? "", /restarted 3\+ times within 4 s/);
    // A failed deployment is editable: the fix is an upgrade (or a rollback).
    assert.equal((await client.call("PUT", "/v1/deploy/loop/upgrade", { version: good })).status, 200);
    const back = await until(
      "loop",
      (d) => d.status === 5 && (d.replicaList ?? []).every((r) => r.version === good),
      "running again on the good version",
    );
    assert.deepEqual(health(back), { running: 2, error: 0, total: 2 });
    await client.call("DELETE", "/v1/deploy/loop");
  });

  it("goes back to running by itself once a crash-looping replica stays up past the window", async () => {
    await deploy("flaky", await app("flaky", { replicas: 1 }));
    const up = await until("flaky", (d) => d.status === 5, "flaky running");
    const node = up.replicaList?.[0]?.nodeName as string;
    const runtime = runtimes.get(node) as FakeRuntime;
    const task = () => runtime.containers().find((c) => c.state === "running");
    for (let i = 0; i < 3; i++) {
      const c = await waitFor(() => task() ?? null, "replica container running", 10_000, 10);
      runtime.crash(c.taskId, 137);
      await waitFor(
        () => runtime.containers().some((x) => x.taskId === c.taskId && x.attempt > c.attempt),
        "restarted",
        10_000,
        10,
      );
    }
    const failed = await until("flaky", (d) => d.status === 7, "crash-looping: status 7");
    assert.match(health(failed).reason ?? "", /1 replica\(s\) restarted/);
    assert.equal(health(failed).error, 1);
    const healed = await until("flaky", (d) => d.status === 5, "restarts age out: status 5", 15_000);
    assert.deepEqual(health(healed), { running: 1, error: 0, total: 1 });
    await client.call("DELETE", "/v1/deploy/flaky");
  });

  it("fails a deployment no node matches past the timeout, and runs it once a node is labelled", async () => {
    await deploy("lonely", await app("lonely", { replicas: 1 }), "nowhere");
    const failed = await until("lonely", (d) => d.status === 7, "no target: status 7");
    assert.equal(health(failed).total, 0);
    assert.match(health(failed).reason ?? "", /no ready node matches/);
    await client.call("POST", "/v1/node/label", { clusterName: "ro", nodeName: "r2", labels: ["nowhere"] });
    const ok = await until("lonely", (d) => d.status === 5, "labelled: status 5");
    assert.deepEqual(health(ok), { running: 1, error: 0, total: 1 });
    assert.deepEqual(
      ok.replicaList?.map((r) => r.nodeName),
      ["r2"],
    );
    await client.call("DELETE", "/v1/deploy/lonely");
  });
});
