import assert from "node:assert/strict";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

interface Project {
  id: string;
  name: string;
  parentId: string;
  resources: { nodePool: { name: string }; gpu: { deserved: number; limit: number } }[];
  status: { quotaStatus: { allocated: { gpu: number } } };
}

describe("integration: Run:ai projects API", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let clusterId = "";
  const P = "/api/v1/org-unit/projects";
  const res = (gpu: number, limit = -1) => [{ nodePool: { id: "default" }, gpu: { deserved: gpu, limit } }];

  before(async () => {
    hub = await startTestHub();
    clusterId = (
      await hub.api<{ items: { id: string }[] }>("POST", "/api/corral/v1/clusters", { name: "default" })
    ).status
      ? ((await hub.api<{ items: { id: string }[] }>("GET", "/api/corral/v1/clusters")).body.items[0]?.id ??
        "")
      : "";
    for (const [i, name] of ["alpha", "beta", "gamma", "delta"].entries()) {
      const r = await hub.api("POST", P, { name, clusterId, resources: res(i) });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(() => hub.close());

  it("issues tokens for every grant type; a body without grantType is not Run:ai's", async () => {
    const pw = await hub.api<{ accessToken: string; refreshToken: string; expiresIn: number }>(
      "POST",
      "/api/v1/token",
      { grantType: "password", username: ADMIN.username, password: ADMIN.password },
      null,
    );
    assert.equal(pw.status, 200, pw.text);
    assert.ok(pw.body.accessToken && pw.body.refreshToken && pw.body.expiresIn > 0);
    assert.equal((await hub.api("GET", P, undefined, pw.body.accessToken)).status, 200);
    const app = await hub.api<{ accessToken: string }>(
      "POST",
      "/api/v1/token",
      { grantType: "client_credentials", clientID: ADMIN.username, clientSecret: ADMIN.password },
      null,
    );
    assert.equal(app.status, 200, app.text);
    const appTok = await hub.api(
      "POST",
      "/api/v1/token",
      { grantType: "app_token", appID: ADMIN.username, appSecret: hub.adminToken },
      null,
    );
    assert.equal(appTok.status, 200, appTok.text);
    const refreshed = await hub.api(
      "POST",
      "/api/v1/token",
      { grantType: "refresh_token", refreshToken: pw.body.refreshToken },
      null,
    );
    assert.equal(refreshed.status, 200, refreshed.text);
    const bad = await hub.api<{ code: number }>(
      "POST",
      "/api/v1/token",
      { grantType: "password", username: "admin", password: "nope" },
      null,
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 401);
    const missing = await hub.api<{ code: number; message: string }>(
      "POST",
      "/api/v1/token",
      { grantType: "password" },
      null,
    );
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /username/);
    const other = await hub.api("POST", "/api/v1/token", { username: "admin", password: "x" }, null);
    assert.notEqual((other.body as { code?: number }).code, 400, "not answered by Run:ai validation");
  });

  it("creates, gets, updates and deletes a project; 409 on a duplicate; 404 on unknown; 400 naming the field", async () => {
    const c = await hub.api<Project>("POST", P, {
      name: "eps",
      clusterId,
      resources: res(1, 3),
      description: "d",
    });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.body.resources[0]?.nodePool.name, "default");
    assert.equal(c.body.resources[0]?.gpu.limit, 3);
    assert.ok(
      /^\d+$/.test(c.body.id) && /^\d+$/.test(c.body.parentId),
      "integer ids as strings; default department",
    );
    assert.equal((await hub.api("POST", P, { name: "eps", clusterId, resources: [] })).status, 409);
    const bad = await hub.api<{ code: number; message: string }>("POST", P, {
      name: "Bad_Name",
      clusterId,
      resources: [],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 400);
    assert.match(bad.body.message, /^name:/);
    const lim = await hub.api<{ message: string }>("POST", P, {
      name: "zeta",
      clusterId,
      resources: res(2, 1),
    });
    assert.equal(lim.status, 400);
    assert.match(lim.body.message, /resources\.0\.gpu\.limit/);
    assert.equal((await hub.api<Project>("GET", `${P}/${c.body.id}`)).body.name, "eps");
    assert.equal((await hub.api("GET", `${P}/99999`)).status, 404);
    const put = await hub.api<Project>("PUT", `${P}/${c.body.id}`, { resources: res(2), description: "e" });
    assert.equal(put.body.resources[0]?.gpu.deserved, 2);
    const r1 = await hub.api<Project["resources"]>("PUT", `${P}/${c.body.id}/resources`, res(1));
    assert.equal(r1.body[0]?.gpu.deserved, 1);
    const r2 = await hub.api<Project["resources"]>("PATCH", `${P}/${c.body.id}/resources`, [
      { nodePool: { id: "default" }, gpu: { limit: 5 } },
    ]);
    assert.deepEqual([r2.body[0]?.gpu.deserved, r2.body[0]?.gpu.limit], [1, 5]);
    assert.equal((await hub.api("DELETE", `${P}/${c.body.id}`)).status, 204);
    assert.equal((await hub.api("GET", `${P}/${c.body.id}`)).status, 404);
    assert.equal((await hub.api("GET", P, undefined, null)).status, 401);
  });

  it("lists with filterBy (every operator), sortBy/sortOrder, offset/limit and next; counts", async () => {
    const names = async (q: string) => {
      const r = await hub.api<{ projects: Project[]; next?: number }>("GET", `${P}?${q}`);
      assert.equal(r.status, 200, r.text);
      return { names: r.body.projects.map((p) => p.name), next: r.body.next };
    };
    const f = (s: string) => `filterBy=${encodeURIComponent(s)}`;
    assert.deepEqual((await names(f("name==beta"))).names, ["beta"]);
    // `default` is OpenPAI's virtual cluster, a project here too (no nodes: a share of 0 GPUs).
    assert.deepEqual((await names(`${f("name!=beta")}&sortBy=name`)).names, [
      "alpha",
      "default",
      "delta",
      "gamma",
    ]);
    assert.deepEqual((await names(`${f("totalGpuQuota<=1")}&sortBy=name`)).names, [
      "alpha",
      "beta",
      "default",
    ]);
    assert.deepEqual((await names(`${f("totalGpuQuota>=2")}&sortBy=name`)).names, ["delta", "gamma"]);
    assert.deepEqual((await names(`${f("name=@ta")}&sortBy=name`)).names, ["beta", "delta"]);
    assert.deepEqual((await names(`${f("name!@ta")}&sortBy=name`)).names, ["alpha", "default", "gamma"]);
    assert.deepEqual((await names(f("name=^g"))).names, ["gamma"]);
    assert.deepEqual((await names(`${f("name=$a")}&sortBy=name&sortOrder=desc`)).names, [
      "gamma",
      "delta",
      "beta",
      "alpha",
    ]);
    assert.deepEqual((await names(`${f("name=@a,totalGpuQuota>=2")}&sortBy=name`)).names, ["delta", "gamma"]);
    const p1 = await names("sortBy=name&limit=3");
    assert.deepEqual(p1, { names: ["alpha", "beta", "default"], next: 3 });
    const p2 = await names("sortBy=name&limit=3&offset=3");
    assert.deepEqual(p2, { names: ["delta", "gamma"], next: undefined });
    for (const q of [
      "limit=0",
      "limit=501",
      "offset=-1",
      "sortBy=nope",
      "sortOrder=up",
      f("nope==1"),
      f("createdAt=@2026"),
    ]) {
      const r = await hub.api<{ code: number }>("GET", `${P}?${q}`);
      assert.equal(r.status, 400, q);
    }
    const count = await hub.api<{ count: number }>("GET", `${P}/count?${f("name=@ta")}`);
    assert.deepEqual(count.body, { count: 2 });
  });

  it("lists and creates departments that parent projects", async () => {
    const d = await hub.api<{ id: string }>("POST", "/api/v1/org-unit/departments", {
      name: "research",
      clusterId,
      resources: res(4, 6),
    });
    assert.equal(d.status, 201, d.text);
    const p = await hub.api<Project>("POST", P, {
      name: "theta",
      clusterId,
      parentId: d.body.id,
      resources: res(1),
    });
    assert.equal(p.body.parentId, d.body.id);
    const list = await hub.api<{ departments: { name: string }[] }>("GET", "/api/v1/org-unit/departments");
    assert.ok(list.body.departments.some((x) => x.name === "research"));
  });

  it("serves the deprecated /v1/k8s/clusters/{id}/projects family with integer ids", async () => {
    const base = `/v1/k8s/clusters/${clusterId}/projects`;
    const list = await hub.api<{ id: number; name: string }[]>("GET", base);
    assert.ok(Array.isArray(list.body) && list.body.every((p) => Number.isInteger(p.id)));
    const c = await hub.api<{
      id: number;
      deservedGpus: number;
      maxAllowedGpus: number;
      nodePoolsResources: { memory: { deserved: number } }[];
    }>("POST", base, {
      name: "legacy",
      departmentId: 0,
      nodePoolsResources: [
        { nodePool: { name: "default" }, gpu: { deserved: 2, maxAllowed: -1 }, memory: { deserved: 1024 } },
      ],
    });
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(
      [c.body.deservedGpus, c.body.maxAllowedGpus, c.body.nodePoolsResources[0]?.memory.deserved],
      [2, -1, 1024],
    );
    assert.equal((await hub.api("POST", base, { name: "legacy", departmentId: 0 })).status, 409);
    assert.equal((await hub.api("POST", base, { name: "legacy2" })).status, 400);
    const put = await hub.api<{ deservedGpus: number }>("PUT", `${base}/${c.body.id}`, { deservedGpus: 3 });
    assert.equal(put.body.deservedGpus, 3);
    const mb = await hub.api<{ nodePoolsResources: { memory: { deserved: number } }[] }>(
      "GET",
      `${base}/${c.body.id}?memoryUnitMb=true`,
    );
    assert.equal(mb.body.nodePoolsResources.length, 1);
    const metrics = await hub.api<{ data: unknown[] }>(
      "GET",
      `${base}/metrics?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&numberOfSamples=5`,
    );
    assert.equal(metrics.status, 200, metrics.text);
    assert.ok(Array.isArray(metrics.body.data));
    assert.equal((await hub.api("GET", `${base}/metrics?start=2026-01-01T00:00:00Z`)).status, 400);
    const one = await hub.api<{ metadata: { projectId: number } }>("GET", `${base}/${c.body.id}/metrics`);
    assert.equal(one.body.metadata.projectId, c.body.id);
    const del = await hub.api<{ id: number }>("DELETE", `${base}/${c.body.id}`);
    assert.equal(del.body.id, c.body.id);
    assert.equal((await hub.api("GET", `/v1/k8s/clusters/nope/projects`)).status, 404);
  });

  it("answers the metrics and telemetry endpoints in their shapes", async () => {
    const id = (await hub.api<{ projects: Project[] }>("GET", `${P}?filterBy=name==alpha`)).body.projects[0]
      ?.id;
    hub.hub.core.projectMetrics.sample();
    const now = Date.now();
    const q = `metricType=GPU_QUOTA&start=${new Date(now - 60_000).toISOString()}&end=${new Date(now + 60_000).toISOString()}`;
    const m = await hub.api<{ measurements: { type: string; values: unknown[] }[] }>(
      "GET",
      `${P}/${id}/metrics?${q}`,
    );
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.measurements[0]?.type, "GPU_QUOTA");
    assert.equal((await hub.api("GET", `${P}/${id}/metrics?metricType=GPU_QUOTA`)).status, 400);
    const t = await hub.api<{ type: string; values: { groups: { key: string }[] }[] }>(
      "GET",
      `${P}/telemetry?telemetryType=GPU_QUOTA&groupBy=NodepoolId`,
    );
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.values[0]?.groups[0]?.key, "NodepoolId");
  });
});
