/**
 * A hub upgraded across migration 009 keeps its OTE-stack apps, deployments, external
 * repositories and charts under the same OTE integer ids: the rows are written as migration 005
 * left them, then a real hub starts over the same data directory and is asked through OTE-stack.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SettingsKeyRing } from "../../hub/core/key-ring";
import { SecretBox } from "../../hub/core/secret-box";
import type { Workload } from "../../hub/core/model";
import { openDatabase } from "../../hub/store/database";
import { MIGRATIONS } from "../../hub/store/migrations/index";
import { settingsRepository } from "../../hub/store/settings-repository";
import { workloadRepository } from "../../hub/store/workload-repository";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

const T0 = Date.UTC(2026, 0, 1);

/** An app version as migration 005's ote_apps.body held it. */
const oldApp = (version: string, over: Record<string, unknown> = {}) => ({
  namespace: "ns1",
  name: "cam",
  version,
  mainVersion: "1.0",
  kind: "daemonset",
  image: "fake/cam",
  command: ["run"],
  args: ["--fast"],
  env: { V: version },
  ports: [{ containerPort: 80, hostPort: 0, protocol: "tcp" }],
  replicas: 1,
  cpu: 80,
  memory: 4096,
  isHPA: false,
  minReplicas: 1,
  maxReplicas: 5,
  hpaCpuTarget: 70,
  hpaMemoryTarget: 60,
  minReadySeconds: 10,
  maxSurge: 1,
  maxUnavailable: 0,
  description: "camera",
  externalRepoId: null,
  owner: "admin",
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const entry = (op: number, version: string, audit: string, at: number) => ({
  op,
  version,
  by: "admin",
  at,
  audit,
  comment: `op ${op}`,
  auditComment: audit === "rejected" ? "no" : "",
});

/** A deployment as ote_deployments.body held it. */
const running = {
  name: "cam",
  namespace: "ns1",
  owner: "admin",
  appName: "cam",
  kind: "daemonset",
  version: "1.0.1",
  pending: null,
  clusterLabel: "all",
  nodeLabel: "camera",
  replicas: 1,
  status: 3,
  lastOp: 2,
  comment: "op 2",
  auditComment: "no",
  history: [
    entry(0, "1.0.0", "approved", T0 + 1000),
    entry(1, "1.0.1", "auto", T0 + 2000),
    entry(2, "1.0.0", "rejected", T0 + 3000),
  ],
  createdAt: T0 + 1000,
  updatedAt: T0 + 3000,
  deletedAt: null,
};
const waiting = {
  ...running,
  name: "cam2",
  version: null,
  pending: { op: 0, version: "1.0.0" },
  clusterLabel: "south",
  nodeLabel: "all",
  status: 0,
  lastOp: 0,
  comment: "op 0",
  auditComment: "",
  history: [entry(0, "1.0.0", "pending", T0 + 4000)],
  createdAt: T0 + 4000,
  updatedAt: T0 + 4000,
};

describe("integration: OTE-stack data across the replicated-services migration (009)", function () {
  this.timeout(30_000);
  let dir: string;
  let hub: TestHub;
  let admin: OteClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-upgrade-"));
    const db = openDatabase(
      path.join(dir, "corral.db"),
      // Every migration but 009 (they apply by set): the workload rows below are written by
      // today's repository, which needs the later workload columns (011). 013 moves rows into
      // 009's tables, so it waits for 009 too.
      MIGRATIONS.filter((m) => m.version !== 9 && m.version !== 13),
    );
    // Sealed as a hub before issue 13 did: with the key in the settings table (moved to a key file at start).
    const sealed = new SecretBox(new SettingsKeyRing(settingsRepository(db))).seal("Pull-Secret-9");
    db.prepare(
      `INSERT INTO ote_external_repos (name, address, username, password_sealed, owner, created_at)
       VALUES ('private1', 'registry.example:5000', 'puller', ?, 'admin', ?)`,
    ).run(sealed, T0);
    const app = db.prepare(
      "INSERT INTO ote_apps (namespace, name, version, body, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    app.run("ns1", "cam", "1.0.0", JSON.stringify(oldApp("1.0.0")), T0);
    app.run("ns1", "cam", "1.0.1", JSON.stringify(oldApp("1.0.1", { externalRepoId: 1 })), T0 + 1);
    app.run("ns1", "cam", "1.0.2", JSON.stringify(oldApp("1.0.2")), T0 + 2);
    db.prepare("DELETE FROM ote_apps WHERE id = 3").run(); // its id is never handed out again
    const deploy = db.prepare(
      "INSERT INTO ote_deployments (name, namespace, body, deleted_at, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    deploy.run("cam", "ns1", JSON.stringify(running), null, running.createdAt);
    deploy.run("cam2", "ns1", JSON.stringify(waiting), null, waiting.createdAt);
    db.prepare(
      `INSERT INTO ote_charts (namespace, name, version, file_name, size_bytes, content, owner, created_at)
       VALUES ('ns1', 'mychart', '0.1.0', 'mychart-0.1.0.tgz', 3, ?, 'admin', ?)`,
    ).run(Buffer.from("tgz"), T0);
    const replica: Workload = {
      id: "replica-1",
      name: "cam-1.0.1",
      owner: "admin",
      kind: "service",
      lease: null,
      clusterId: null,
      nodeSelector: [],
      roles: [
        {
          name: "cam",
          image: "fake/cam",
          command: [],
          env: {},
          instances: 1,
          resources: { cpuMilli: 80, memoryMiB: 4096, gpu: 0 },
          ports: [],
          maxAttempts: 1,
          pullSecret: "otestack/external-repo/1",
        },
      ],
      gang: false,
      disconnectTimeoutSec: 300,
      stopGraceSec: 10,
      state: "succeeded",
      ending: null,
      maxJobAttempts: 1,
      jobAttempt: 1,
      meta: { otestack: { deployId: 1, version: "1.0.1", nodeId: "n1", minReadySeconds: 10 } },
      quotaUnitId: null,
      nodePoolId: null,
      priority: 0,
      preemptible: false,
      createdAt: T0,
      updatedAt: T0,
      finishedAt: T0,
    };
    workloadRepository(db).insert(replica);
    db.close();

    hub = await startTestHub({}, dir);
    admin = new OteClient(hub.hub.httpUrl);
    await admin.login(ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every deployment under its OTE id, with its version, selectors and audit trail", async () => {
    const cam = await admin.call<Record<string, unknown>>("GET", "/v1/deploy/id/1?field=historyVersion");
    assert.equal(cam.status, 200, JSON.stringify(cam.body));
    const d = cam.body.data ?? {};
    assert.deepEqual(
      {
        id: d["id"],
        deployName: d["deployName"],
        namespace: d["namespace"],
        appName: d["appName"],
        appType: d["appType"],
        version: d["version"],
        targetVersion: d["targetVersion"],
        deployType: d["deployType"],
        status: d["status"],
        editable: d["editable"],
        clusterLabel: d["clusterLabel"],
        nodeLabel: d["nodeLabel"],
        comment: d["comment"],
        auditComment: d["auditComment"],
        createTime: d["createTime"],
      },
      {
        id: 1,
        deployName: "cam",
        namespace: "ns1",
        appName: "cam",
        appType: "daemonset",
        version: "1.0.1",
        targetVersion: "1.0.1",
        deployType: 3,
        status: 5,
        editable: true,
        clusterLabel: "all",
        nodeLabel: "camera",
        comment: "op 2",
        auditComment: "no",
        createTime: (T0 + 1000) / 1000,
      },
    );
    assert.deepEqual(
      (d["historyVersion"] as { version: string; deployType: number; audit: string }[]).map((h) => [
        h.deployType,
        h.version,
        h.audit,
      ]),
      [
        [1, "1.0.0", "approved"],
        [2, "1.0.1", "auto"],
        [3, "1.0.0", "rejected"],
      ],
    );
    const cam2 = await admin.call<{ id: number; status: number; version: string; targetVersion: string }>(
      "GET",
      "/v1/deploy/cam2",
    );
    assert.deepEqual(
      [cam2.body.data?.id, cam2.body.data?.status, cam2.body.data?.version, cam2.body.data?.targetVersion],
      [2, 0, "", "1.0.0"],
    );
    assert.deepEqual(
      (await admin.call<{ deployName: string }[]>("GET", "/v1/admin/deploy")).body.data?.map(
        (x) => x.deployName,
      ),
      ["cam2"],
    );
  });

  it("keeps app versions, external repositories and charts under their ids, and counts on", async () => {
    const apps = await admin.call<Record<string, unknown>[]>("GET", "/v1/app?appName=cam&mode=strict");
    assert.deepEqual(
      apps.body.data?.map((a) => [a["id"], a["version"], a["mainVersion"], a["externalRepoId"]]),
      [
        [2, "1.0.1", "1.0", 1],
        [1, "1.0.0", "1.0", null],
      ],
    );
    const first = apps.body.data?.[1] ?? {};
    assert.deepEqual(
      [first["command"], first["args"], first["envs"], first["ports"], first["hpaCpu"], first["hpaMemory"]],
      [["run"], ["--fast"], { V: "1.0.0" }, [{ containerPort: 80, hostPort: 0, protocol: "TCP" }], 70, 60],
    );
    const repo = await admin.call<{ id: number; name: string }>("GET", "/v1/repository/external/1");
    assert.deepEqual([repo.body.data?.id, repo.body.data?.name], [1, "private1"]);
    const charts = await admin.call<{ id: number; name: string }[]>("GET", "/v1/app/chart");
    assert.deepEqual(
      charts.body.data?.map((c) => [c.id, c.name]),
      [[1, "mychart"]],
    );
    // Deleted app 3 keeps its id: the next app version is 4.
    hub.hub.core.quotaUnits.create({ name: "ns1-biz", kind: "business", meta: { namespace: "ns1" } });
    const next = await admin.call<{ id: number; version: string }>("POST", "/v1/app", {
      appName: "cam",
      version: "1.0",
      namespace: "ns1",
      deployType: "daemonset",
      image: "fake/cam",
    });
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.deepEqual([next.body.data?.id, next.body.data?.version], [4, "1.0.2"]);
  });

  it("moves live replicas' links and pull secrets to the core ids, and rolls back to a migrated revision", async () => {
    const core = hub.hub.core;
    const service = core.replicatedServices.byName("ns1", "cam");
    assert.deepEqual(
      service.revisions.map((r) => [r.number, r.version, r.spec.env["V"]]),
      [
        [1, "1.0.0", "1.0.0"],
        [2, "1.0.1", "1.0.1"],
      ],
    );
    assert.equal(service.current, 2);
    const credential = core.registryCredentials.list()[0];
    assert.equal(service.revisions[1]?.spec.registryCredentialId, credential?.id);
    const replica = core.workloads.find("replica-1");
    assert.ok(replica);
    assert.deepEqual(replica.meta, {
      replicaOf: { serviceId: service.id, revision: 2, nodeId: "n1", minReadySeconds: 10 },
    });
    const pullSecret = replica.roles[0]?.pullSecret ?? "";
    assert.deepEqual(core.registryCredentials.resolve(pullSecret), {
      serverAddress: "registry.example:5000",
      username: "puller",
      password: "Pull-Secret-9",
    });
    const back = await admin.call<{ status: number; version: string }>("PUT", "/v1/deploy/cam/rollback", {
      version: "1.0.0",
    });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.deepEqual([back.body.data?.status, back.body.data?.version], [4, "1.0.0"]);
    assert.equal(core.replicatedServices.get(service.id).current, 1);
  });
});
