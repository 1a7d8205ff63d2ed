/**
 * OTE-stack surface over a real in-process hub and FakeRuntime agents: users and audit, businesses,
 * labels, apps, daemonsets following labels, replicas spread, rolling upgrade limits, rollback,
 * audited deployments, autoscaling on reported task CPU, and the 422 answers.
 */
import assert from "node:assert/strict";
import type { RunningAgent } from "../../agent/agent";
import { FakeRuntime } from "../../agent/runtime/fake-runtime";
import type { TaskSpec } from "../../agent/runtime/runtime";
import { fakeHardware } from "../helpers/fake-hardware";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

interface Deploy {
  id: number;
  deployName: string;
  status: number;
  deployType: number;
  version: string;
  editable: boolean;
  errorMessage: string;
  replicas: number;
  historyVersion?: { version: string; deployType: number }[];
  replicaList?: { nodeName: string; version: string; state: string; ready: boolean }[];
}

describe("integration: OTE-stack surface (FakeRuntime agents)", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];
  const runtimes = new Map<string, FakeRuntime>();
  let admin: OteClient;
  let alice: OteClient;
  let ns = "";

  const replicas = async (c: OteClient, name: string) =>
    (await c.call<Deploy>("GET", `/v1/deploy/${name}?field=replicaList,historyVersion`)).body.data as Deploy;
  const settled = (name: string, pred: (d: Deploy) => boolean, what: string) =>
    waitFor(
      async () => {
        const d = await replicas(admin, name);
        return pred(d) ? d : null;
      },
      what,
      20_000,
      50,
    );
  const running = (d: Deploy) => (d.replicaList ?? []).filter((r) => r.state === "running");

  before(async () => {
    hub = await startTestHub({ CORRAL_OTE_HPA_INTERVAL_MS: "200" });
    admin = new OteClient(hub.hub.httpUrl);
    alice = new OteClient(hub.hub.httpUrl);
    for (const [name, cluster] of [
      ["n1", "gz"],
      ["n2", "gz"],
      ["n3", "gz"],
      ["b1", "bj"],
    ] as const) {
      const runtime = new FakeRuntime({ nodeId: name });
      runtimes.set(name, runtime);
      agents.push(
        startTestAgent(hub, { name, cluster, runtime, hardware: fakeHardware({ hostname: name }) }),
      );
    }
    await Promise.all(agents.map((a) => a.welcomed()));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("logs the bootstrap admin in as a system administrator, with bare and Bearer tokens", async () => {
    const token = await admin.login(ADMIN.username, ADMIN.password);
    const info = await admin.call<{ role: number; status: number }>("GET", "/v1/authorization");
    assert.equal(info.body.code, 200);
    assert.equal(info.body.message, "success");
    assert.equal(info.body.data?.role, 4);
    const bearer = await admin.call("GET", "/v1/authorization", undefined, `Bearer ${token}`);
    assert.equal(bearer.status, 200);
    assert.equal((await admin.call("GET", "/v1/authorization", undefined, null)).status, 401);
  });

  it("registers a user who can log in only once approved; refresh and logout", async () => {
    const reg = await alice.call<{ status: number }>("POST", "/v1/user", {
      username: "alice",
      password: "Secret123",
      phone: "13800000000",
    });
    assert.equal(reg.status, 200);
    assert.equal(reg.body.data?.status, 0);
    const early = await alice.call("POST", "/v1/authorization", { username: "alice", password: "Secret123" });
    assert.equal(early.status, 403);
    const pending = await admin.call<{ username: string }[]>("GET", "/v1/admin/user?status=0");
    assert.deepEqual(
      pending.body.data?.map((u) => u.username),
      ["alice"],
    );
    const audit = await admin.call("PUT", "/v1/admin/user/alice/status", { status: 1, comment: "ok" });
    assert.equal(audit.status, 200);
    const first = await alice.login("alice", "Secret123");
    const refreshed = await alice.call("PUT", "/v1/authorization");
    assert.ok(refreshed.body.token && refreshed.body.token !== first);
    assert.equal((await alice.call("GET", "/v1/authorization", undefined, first)).status, 401);
    alice.token = refreshed.body.token ?? null;
    assert.equal(
      (await alice.call("PUT", "/v1/user/password", { oldPassword: "Secret123", newPassword: "Secret456" }))
        .status,
      200,
    );
    assert.equal((await alice.call("DELETE", "/v1/authorization")).status, 200);
    assert.equal((await alice.call("GET", "/v1/authorization")).status, 401);
    await alice.login("alice", "Secret456");
    // Forbidden users cannot log in; an admin resets a password.
    await alice.call("POST", "/v1/user", { username: "mallory", password: "Secret123" });
    await admin.call("PUT", "/v1/admin/user/mallory/status", { status: 3 });
    assert.equal(
      (await alice.call("POST", "/v1/authorization", { username: "mallory", password: "Secret123" }, null))
        .status,
      403,
    );
    assert.equal(
      (await admin.call("PUT", "/v1/admin/user/mallory/password", { password: "Other1234" })).status,
      200,
    );
    assert.equal((await admin.call("DELETE", "/v1/admin/user/mallory")).status, 200);
  });

  it("creates a business and approves it into namespace ns<id>", async () => {
    const created = await alice.call<{ id: number; status: number }>("POST", "/v1/business", {
      name: "vision",
      description: "cameras",
    });
    assert.equal(created.body.data?.status, 0);
    const id = created.body.data?.id as number;
    assert.equal((await alice.call("PUT", `/v1/business/id/${id}`, { status: 1 })).status, 403);
    const approved = await admin.call<{ namespace: string; status: number }>("PUT", `/v1/business/id/${id}`, {
      status: 1,
      comment: "go",
    });
    ns = approved.body.data?.namespace as string;
    assert.equal(ns, `ns${id}`);
    const mine = await alice.call<{ namespaces: string[] }>("GET", "/v1/authorization");
    assert.deepEqual(mine.body.data?.namespaces, [ns]);
    assert.equal((await alice.call<unknown[]>("GET", "/v1/business")).body.total, 1);
    assert.equal((await alice.call("GET", `/v1/business/id/${id}`)).status, 200);
    const sub = await admin.call<{ status: number; role: number }>("POST", "/v1/admin/user", {
      username: "bob",
      password: "Secret123",
      namespace: ns,
    });
    assert.equal(sub.body.data?.status, 1);
  });

  it("labels clusters and nodes and lists them with their inventory", async () => {
    assert.equal(
      (await admin.call("POST", "/v1/cluster/label", { clusterName: "gz", labels: ["guangzhou"] })).status,
      200,
    );
    const clusters = await admin.call<{ clusterName: string; nodeCount: number; isReady: boolean }[]>(
      "GET",
      "/v1/cluster?clusterLabel=guangzhou",
    );
    assert.deepEqual(clusters.body.data, [
      {
        clusterName: "gz",
        labels: ["guangzhou"],
        nodeCount: 3,
        isReady: true,
        createTime: (clusters.body.data?.[0] as never as { createTime: number }).createTime,
      },
    ]);
    assert.deepEqual((await admin.call("GET", "/v1/cluster/gz/label")).body.data, ["guangzhou"]);
    for (const n of ["n1", "n2"])
      assert.equal(
        (await admin.call("POST", "/v1/node/label", { clusterName: "gz", nodeName: n, labels: ["camera"] }))
          .status,
        200,
      );
    const nodes = await admin.call<Record<string, unknown>[]>(
      "GET",
      "/v1/node?nodeLabel=camera&clusterName=gz&field=cpu,memory,isReady",
    );
    assert.equal(nodes.body.total, 2);
    assert.equal(nodes.body.meta?.readyNodeCount, 2);
    assert.deepEqual(Object.keys(nodes.body.data?.[0] ?? {}).sort(), [
      "clusterName",
      "cpu",
      "isReady",
      "memory",
      "nodeName",
    ]);
    const full = await admin.call<Record<string, unknown>[]>("GET", "/v1/node?nodeName=n1");
    for (const f of ["operatingSystem", "kernelVersion", "ip", "memory", "cpu", "gpu", "disk", "isReady"])
      assert.ok(f in (full.body.data?.[0] ?? {}), f);
    assert.equal((await admin.call<string[]>("GET", "/v1/node?page=1&pageSize=0")).body.data?.length, 4);
    assert.deepEqual((await admin.call("GET", "/v1/node/label?clusterName=gz&nodeName=n1")).body.data, [
      "camera",
    ]);
  });

  it("runs a daemonset on every labelled node and follows the label", async () => {
    for (const env of [{ V: "1" }, { V: "2" }]) {
      const app = await alice.call<{ version: string }>("POST", "/v1/app", {
        appName: "cam",
        version: "1.0",
        namespace: ns,
        deployType: "daemonset",
        image: "fake/cam",
        envs: env,
        minReadySeconds: 0,
      });
      assert.equal(app.status, 200, JSON.stringify(app.body));
    }
    const versions = await alice.call<{ version: string }[]>("GET", "/v1/app?appName=cam&mode=strict");
    assert.deepEqual(
      versions.body.data?.map((a) => a.version),
      ["1.0.1", "1.0.0"],
    );
    const created = await admin.call<Deploy>("POST", "/v1/deploy", {
      deployName: "cam",
      appName: "cam",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      nodeLabel: "camera",
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    let d = await settled("cam", (x) => x.status === 5, "cam running");
    assert.deepEqual(
      running(d)
        .map((r) => r.nodeName)
        .sort(),
      ["n1", "n2"],
    );
    assert.deepEqual(JSON.parse(d.errorMessage), { running: 2, error: 0, total: 2 });

    await admin.call("POST", "/v1/node/label", { clusterName: "gz", nodeName: "n3", labels: ["camera"] });
    d = await settled("cam", (x) => running(x).length === 3, "n3 gets a replica");
    const refused = await admin.call("DELETE", "/v1/node/label", {
      clusterName: "gz",
      nodeName: "n3",
      labels: ["camera"],
    });
    assert.equal(refused.status, 409);
    const removed = await admin.call("DELETE", "/v1/node/label", {
      clusterName: "gz",
      nodeName: "n3",
      labels: ["camera"],
      deleteDeploy: true,
    });
    assert.equal(removed.status, 200);
    d = await settled("cam", (x) => (x.replicaList ?? []).length === 2, "n3 loses its replica");
    await waitFor(
      () => !(runtimes.get("n3")?.containers() ?? []).some((c) => c.state === "running"),
      "n3's container stopped",
    );
  });

  it("upgrades with rolling limits, rolls back, and refuses a version never run", async () => {
    const up = await admin.call<Deploy>("PUT", "/v1/deploy/cam/upgrade", { version: "1.0.1" });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.data?.deployType, 2);
    let maxLive = 0;
    const d = await waitFor(
      async () => {
        const x = await replicas(admin, "cam");
        maxLive = Math.max(maxLive, (x.replicaList ?? []).length);
        return x.status === 5 && running(x).every((r) => r.version === "1.0.1") && running(x).length === 2
          ? x
          : null;
      },
      "upgrade done",
      20_000,
      10,
    );
    assert.ok(maxLive <= 3, `at most desired + maxSurge live, saw ${maxLive}`);
    assert.deepEqual(
      d.historyVersion?.map((h) => [h.deployType, h.version]),
      [
        [1, "1.0.0"],
        [2, "1.0.1"],
      ],
    );
    const back = await admin.call("PUT", "/v1/deploy/cam/rollback", { version: "1.0.0" });
    assert.equal(back.status, 200);
    await settled(
      "cam",
      (x) => x.status === 5 && running(x).every((r) => r.version === "1.0.0") && running(x).length === 2,
      "rolled back",
    );
  });

  it("spreads a deployment's replicas over the matching nodes", async () => {
    await alice.call("POST", "/v1/app", {
      appName: "web",
      version: "2.0",
      namespace: ns,
      image: "fake/web",
      replicas: 4,
      minReadySeconds: 0,
      cpu: 100,
      memory: 64,
    });
    const res = await admin.call("POST", "/v1/deploy", {
      deployName: "web",
      appName: "web",
      version: "2.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
    });
    assert.equal(res.status, 200);
    const d = await settled("web", (x) => running(x).length === 4, "4 replicas");
    const per = new Map<string, number>();
    for (const r of running(d)) per.set(r.nodeName, (per.get(r.nodeName) ?? 0) + 1);
    assert.deepEqual([...per.values()].sort(), [1, 1, 2]);
    assert.ok(!per.has("b1"), "the other cluster is not selected");
  });

  it("makes a general user's deployment wait for an administrator's audit", async () => {
    const res = await alice.call<Deploy>("POST", "/v1/deploy", {
      deployName: "web2",
      appName: "web",
      version: "2.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      nodeLabel: "camera",
    });
    assert.equal(res.body.data?.status, 0);
    assert.equal(res.body.data?.editable, false);
    assert.equal((await alice.call("GET", "/v1/admin/deploy")).status, 403);
    const queue = await admin.call<Deploy[]>("GET", "/v1/admin/deploy");
    assert.deepEqual(
      queue.body.data?.map((x) => x.deployName),
      ["web2"],
    );
    // Run the controller's pass now (its 500 ms tick) rather than sleeping past it: no replica.
    hub.hub.core.serviceController.tick();
    assert.equal((await replicas(admin, "web2")).replicaList?.length, 0);
    assert.equal(
      (await admin.call("PUT", `/v1/admin/deploy/${res.body.data?.id}`, { status: 1, comment: "fine" }))
        .status,
      200,
    );
    await settled("web2", (x) => x.status === 5 && running(x).length === 4, "approved deployment runs");
    // A general user's delete also waits; the admin deletes by id at once.
    const del = await alice.call<Deploy>("DELETE", "/v1/deploy/web2");
    assert.equal(del.body.data?.status, 0);
    assert.equal(
      (await admin.call("PUT", `/v1/admin/deploy/${res.body.data?.id}`, { status: 2, comment: "keep it" }))
        .status,
      200,
    );
    assert.equal((await replicas(admin, "web2")).status, 5);
    assert.equal((await admin.call("DELETE", `/v1/deploy/id/${res.body.data?.id}`)).status, 200);
    assert.equal((await admin.call("DELETE", "/v1/deploy/web")).status, 200);
    await waitFor(async () => (await admin.call("GET", "/v1/deploy/web")).status === 404, "web gone");
    const list = await admin.call<Deploy[]>("GET", "/v1/deploy?pageSize=0");
    assert.deepEqual(
      list.body.data?.map((x) => x.deployName),
      ["cam"],
    );
    const webIds = new Set(list.body.data?.length ? [res.body.data?.id] : []);
    const cam = hub.hub.core.replicatedServices.byName(ns, "cam").id;
    await waitFor(
      () =>
        !hub.hub.core.workloads
          .list({ states: ["pending", "running", "stopping"] })
          .some((w) => (w.meta["replicaOf"] as { serviceId: string }).serviceId !== cam && webIds.size > 0),
      "web replicas stopped",
    );
  });

  it("autoscales on the CPU its containers report", async () => {
    await alice.call("POST", "/v1/app", {
      appName: "hpa",
      version: "1.0",
      namespace: ns,
      image: "fake/hpa",
      minReadySeconds: 0,
      cpu: 100,
      memory: 1024,
      isHPA: true,
      minReplicas: 1,
      maxReplicas: 4,
      hpaCpu: 50,
    });
    for (const r of runtimes.values()) r.setUsage({ cpuPercent: 10, memoryUsedMiB: 10 }); // 100 m of a 100 m limit
    await admin.call("POST", "/v1/deploy", {
      deployName: "hpa",
      appName: "hpa",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
    });
    await settled("hpa", (x) => x.replicas === 4 && running(x).length === 4, "scaled up to max");
    for (const r of runtimes.values()) r.setUsage({ cpuPercent: 1, memoryUsedMiB: 10 });
    await settled("hpa", (x) => x.replicas === 1 && (x.replicaList ?? []).length === 1, "scaled down to min");
    await admin.call("DELETE", "/v1/deploy/hpa");
  });

  it("hands a replica of an external-repository app its stored pull credentials, and only then", async () => {
    const seen: TaskSpec[] = [];
    for (const r of runtimes.values()) {
      const start = r.start.bind(r);
      r.start = (spec: TaskSpec) => {
        seen.push(spec);
        return start(spec);
      };
    }
    const repo = await admin.call<{ id: number }>("POST", "/v1/repository/external", {
      name: "private1",
      address: "registry.private.example:5000",
      username: "puller",
      password: "Pull-Secret-9",
    });
    assert.equal(repo.status, 200, JSON.stringify(repo.body));
    const app = await admin.call("POST", "/v1/app", {
      appName: "priv",
      version: "1.0",
      namespace: ns,
      image: "registry.private.example:5000/edge/priv:1",
      externalRepoId: repo.body.data?.id,
      minReadySeconds: 0,
    });
    assert.equal(app.status, 200, JSON.stringify(app.body));
    await admin.call("POST", "/v1/deploy", {
      deployName: "priv",
      appName: "priv",
      version: "1.0.0",
      namespace: ns,
      clusterLabel: "guangzhou",
      replicas: 1,
    });
    await settled("priv", (x) => running(x).length === 1, "priv running");
    const spec = seen.find((x) => x.image.startsWith("registry.private.example:5000/"));
    assert.deepEqual(spec?.registryAuth, {
      serverAddress: "registry.private.example:5000",
      username: "puller",
      password: "Pull-Secret-9",
    });
    assert.ok(
      seen
        .filter((x) => !x.image.startsWith("registry.private.example"))
        .every((x) => x.registryAuth === undefined),
      "other images get no credentials",
    );
    const rows = JSON.stringify(hub.hub.core.workloads.list().map((w) => w.roles));
    assert.ok(!rows.includes("Pull-Secret-9"), "workload rows name the secret, never hold it");
    await admin.call("DELETE", "/v1/deploy/priv");
    await waitFor(
      async () => (await admin.call("DELETE", `/v1/app/priv?namespace=${ns}`)).status === 200,
      "app deletable once its deployment is gone",
    );
    assert.equal((await admin.call("DELETE", `/v1/repository/external/${repo.body.data?.id}`)).status, 200);
  });

  it("keeps external repository passwords sealed and stores helm charts it will not deploy", async () => {
    const repo = await admin.call<{ id: number }>("POST", "/v1/repository/external", {
      name: "hub1",
      address: "registry.example.com:5000",
      username: "u",
      password: "p@ss-word",
    });
    assert.equal(repo.status, 200);
    const got = await admin.call<Record<string, unknown>>(
      "GET",
      `/v1/repository/external/${repo.body.data?.id}`,
    );
    assert.ok(!JSON.stringify(got.body).includes("p@ss-word") && !("password" in (got.body.data ?? {})));
    const sealed = hub.hub.core.registryCredentials.list()[0]?.passwordSealed ?? "";
    assert.ok(sealed.startsWith("v1:") && !sealed.includes("p@ss-word"));
    assert.equal((await admin.call("GET", "/v1/repository/external")).body.total, 1);
    assert.equal((await admin.call("DELETE", `/v1/repository/external/${repo.body.data?.id}`)).status, 200);
    assert.equal((await admin.call("GET", "/v1/repository/image?projectName=test")).status, 409); // no registry configured here

    const form = new FormData();
    form.set("name", "mychart");
    form.set("version", "0.1.0");
    form.set("namespace", ns);
    form.set("chart", new Blob([Buffer.from("fake chart tgz")]), "mychart-0.1.0.tgz");
    const up = await fetch(`${hub.hub.httpUrl}/v1/app/chart`, {
      method: "POST",
      headers: { authorization: alice.token ?? "" },
      body: form,
    });
    assert.equal(up.status, 200, await up.clone().text());
    assert.equal((await alice.call("GET", "/v1/app/chart")).body.total, 1);
    const dep = await alice.call("POST", "/v1/deploy", {
      deployName: "chart",
      appName: "mychart",
      version: "0.1.0",
      namespace: ns,
      clusterLabel: "all",
    });
    assert.equal(dep.status, 422);
    assert.match(dep.body.message, /Kubernetes/);
  });

  it("answers 422 with the field and the reason for every bad parameter", async () => {
    const cases: [string, string, unknown, string][] = [
      ["POST", "/v1/user", { username: "carol", password: "short1A" }, "password"],
      ["POST", "/v1/user", { username: "carol", password: "alllower123" }, "password"],
      ["POST", "/v1/user", { username: "carol", password: "ALLUPPER123" }, "password"],
      ["POST", "/v1/user", { username: "carol", password: "NoDigitsHere" }, "password"],
      ["POST", "/v1/user", { username: "carol", password: "Secret123", phone: "12" }, "phone"],
      ["POST", "/v1/user", { username: "c", password: "Secret123" }, "username"],
      ["POST", "/v1/authorization", { username: "admin" }, "password"],
      ["PUT", "/v1/admin/user/alice/status", { status: 7 }, "status"],
      ["POST", "/v1/business", { name: "" }, "name"],
      ["PUT", "/v1/business/id/1", { status: 0 }, "status"],
      ["GET", "/v1/business/id/abc", undefined, "id"],
      ["POST", "/v1/cluster/label", { clusterName: "gz", labels: [] }, "labels"],
      ["POST", "/v1/node/label", { clusterName: "gz", labels: ["x"] }, "nodeName"],
      ["GET", "/v1/node?page=0", undefined, "page"],
      ["GET", "/v1/node?pageSize=-1", undefined, "pageSize"],
      ["POST", "/v1/app", { appName: "Bad_Name", version: "1.0", namespace: ns, image: "x" }, "appName"],
      ["POST", "/v1/app", { appName: "ok", version: "1", namespace: ns, image: "x" }, "version"],
      ["POST", "/v1/app", { appName: "ok", version: "1.0", namespace: "default", image: "x" }, "namespace"],
      ["POST", "/v1/app", { appName: "ok", version: "1.0", namespace: "ns999", image: "x" }, "namespace"],
      ["POST", "/v1/app", { appName: "ok", version: "1.0", namespace: ns, image: "" }, "image"],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", deployType: "job" },
        "deployType",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", replicas: 6 },
        "replicas",
      ],
      ["POST", "/v1/app", { appName: "ok", version: "1.0", namespace: ns, image: "x", cpu: 0 }, "cpu"],
      ["POST", "/v1/app", { appName: "ok", version: "1.0", namespace: ns, image: "x", memory: 1 }, "memory"],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", maxSurge: 0, maxUnavailable: 0 },
        "maxSurge",
      ],
      [
        "POST",
        "/v1/app",
        {
          appName: "ok",
          version: "1.0",
          namespace: ns,
          image: "x",
          isHPA: true,
          minReplicas: 5,
          maxReplicas: 2,
        },
        "minReplicas",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", isHPA: true, deployType: "daemonset" },
        "isHPA",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", hpaCpu: 101 },
        "hpaCpu",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", ports: [{ containerPort: 0 }] },
        "ports.0.containerPort",
      ],
      [
        "POST",
        "/v1/app",
        {
          appName: "ok",
          version: "1.0",
          namespace: ns,
          image: "x",
          ports: [{ containerPort: 80, protocol: "sctp" }],
        },
        "ports.0.protocol",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", envs: { "1BAD": "x" } },
        "envs.1BAD",
      ],
      [
        "POST",
        "/v1/app",
        { appName: "ok", version: "1.0", namespace: ns, image: "x", externalRepoId: 999 },
        "externalRepoId",
      ],
      ["POST", "/v1/app", { appName: "cam", version: "3.0", namespace: ns, image: "x" }, "deployType"],
      ["GET", "/v1/app?mode=fuzzy", undefined, "mode"],
      [
        "POST",
        "/v1/deploy",
        { deployName: "Bad", appName: "cam", version: "1.0.0", namespace: ns, clusterLabel: "all" },
        "deployName",
      ],
      [
        "POST",
        "/v1/deploy",
        { deployName: "x", appName: "nope", version: "1.0.0", namespace: ns, clusterLabel: "all" },
        "appName",
      ],
      [
        "POST",
        "/v1/deploy",
        { deployName: "x", appName: "cam", version: "9.9.9", namespace: ns, clusterLabel: "all" },
        "version",
      ],
      [
        "POST",
        "/v1/deploy",
        { deployName: "x", appName: "cam", version: "1.0.0", namespace: ns },
        "clusterLabel",
      ],
      ["PUT", "/v1/deploy/cam/upgrade", {}, "version"],
      ["PUT", "/v1/deploy/cam/upgrade", { version: "1.0.0" }, "version"],
      ["PUT", "/v1/deploy/cam/rollback", { version: "9.9.9" }, "version"],
      ["GET", "/v1/deploy?status=10", undefined, "status"],
      ["GET", "/v1/deploy/id/zero", undefined, "id"],
      ["PUT", "/v1/admin/deploy/1", { status: 3 }, "status"],
      ["PUT", "/v1/admin/deploy/1", { status: 1 }, "id"],
      [
        "POST",
        "/v1/repository/external",
        { name: "r", address: "bad address", username: "u", password: "p" },
        "address",
      ],
      ["GET", "/v1/repository/external/x", undefined, "id"],
      ["PUT", "/v1/admin/user/alice/password", { password: "weak" }, "password"],
      ["PUT", "/v1/user/password", { oldPassword: "x", newPassword: "weak" }, "newPassword"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await admin.call(method, path, body);
      assert.equal(
        res.status,
        422,
        `${method} ${path} ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`,
      );
      assert.equal(res.body.code, 422);
      assert.equal(res.body.field, field, `${method} ${path}: ${res.body.message}`);
      assert.ok(res.body.message.length > field.length, "message carries the reason");
    }
  });

  it("answers unknown OTE paths in the envelope and leaves /v1/k8s alone", async () => {
    const res = await admin.call("GET", "/v1/nothing-here");
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 404);
  });
});
