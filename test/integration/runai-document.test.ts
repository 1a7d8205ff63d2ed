import assert from "node:assert/strict";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

/**
 * Every route of the Run:ai projects API document, called with the document's own request
 * samples (their top-level fields; the document folds nested objects, which are filled in with
 * the swagger's fields), and the routes runapy offers beside them (tokens, departments).
 * The samples' cluster and department ids are swapped for the hub's own: those ids name objects
 * of the document's cluster. Each call checks the status, the `{code, message}` error body and the
 * documented response fields.
 */
type Json = Record<string, unknown>;

describe("integration: Run:ai as its API document shows (seed samples)", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let clusterId = "";
  let departmentId = "";
  const P = "/api/v1/org-unit/projects";
  const D = "/api/v1/org-unit/departments";
  const resources = (gpu: number) => [
    {
      nodePool: { id: "default", name: "default" },
      gpu: { deserved: gpu, limit: -1, overQuotaWeight: 2 },
      cpu: { deserved: 1000, limit: -1, overQuotaWeight: 2 },
      memory: { deserved: 1000, limit: -1, overQuotaWeight: 2, units: "Mib" },
      priority: "Normal",
    },
  ];
  /** The document's "Create project" request sample. */
  const createSample = (name: string) => ({
    schedulingRules: { interactiveJobTimeLimitSeconds: 100, trainingJobTimeLimitSeconds: 100 },
    defaultNodePools: ["default"],
    nodeTypes: { training: ["a100"], workspace: ["t4"], names: { a100: "A100" } },
    resources: resources(1),
    name,
    clusterId,
    requestedNamespace: "runai-proj1",
    parentId: departmentId,
  });
  const hasError = (r: { status: number; body: unknown }, status: number) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    const b = r.body as { code: number; message: string };
    assert.equal(b.code, status);
    assert.equal(typeof b.message, "string");
  };
  const create = async (name: string) => {
    const r = await hub.api<Json>("POST", P, createSample(name));
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  before(async () => {
    hub = await startTestHub();
    await hub.api("POST", "/api/corral/v1/clusters", { name: "default" });
    clusterId =
      (await hub.api<{ items: { id: string }[] }>("GET", "/api/corral/v1/clusters")).body.items[0]?.id ?? "";
    const d = await hub.api<{ id: string }>("POST", D, {
      name: "dept-a",
      clusterId,
      resources: resources(8),
    });
    assert.equal(d.status, 201, d.text);
    departmentId = d.body.id;
  });
  after(() => hub.close());

  describe("tokens", () => {
    it("POST /api/v1/token takes runapy's {grantType: app_token, AppId, AppSecret} and any key case", async () => {
      const app = (await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {})).body.token;
      for (const body of [
        { grantType: "app_token", AppId: ADMIN.username, AppSecret: app },
        { grantType: "app_token", appID: ADMIN.username, appSecret: app },
        { grantType: "client_credentials", clientId: ADMIN.username, clientSecret: app },
        { grantType: "client_credentials", clientID: ADMIN.username, ClientSecret: ADMIN.password },
        { GrantType: "password", Username: ADMIN.username, PASSWORD: ADMIN.password },
      ]) {
        const r = await hub.api<Json>("POST", "/api/v1/token", body, null);
        assert.equal(r.status, 200, `${JSON.stringify(body)}: ${r.text}`);
        const token = r.body.accessToken as string;
        // runapy's TokenRefresher reads `exp` from the JWT payload (standard base64).
        const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64").toString()) as Json;
        assert.ok(typeof claims.exp === "number" && claims.exp > Date.now() / 1000);
        assert.equal(typeof r.body.refreshToken, "string");
        assert.equal(typeof r.body.expiresIn, "number");
        assert.equal((await hub.api("GET", P, undefined, token)).status, 200);
      }
      hasError(
        await hub.api(
          "POST",
          "/api/v1/token",
          { grantType: "app_token", AppId: "admin", AppSecret: "x" },
          null,
        ),
        401,
      );
      hasError(await hub.api("POST", "/api/v1/token", { grantType: "app_token", AppId: null }, null), 400);
    });
  });

  describe("projects (new API)", () => {
    it("POST /api/v1/org-unit/projects: 201 with the sample's fields; 400, 401, 409", async () => {
      const r = await hub.api<Json>("POST", P, createSample("organization1"));
      assert.equal(r.status, 201, r.text);
      const b = r.body;
      for (const k of ["schedulingRules", "defaultNodePools", "nodeTypes", "resources", "status", "parent"])
        assert.ok(b[k] !== undefined, k);
      assert.equal(b.name, "organization1");
      assert.equal(b.clusterId, clusterId);
      assert.ok(Number.isInteger(b.id), "the sample's id is an integer (33)");
      assert.equal(b.parentId, departmentId);
      assert.equal(b.requestedNamespace, "runai-proj1");
      assert.deepEqual(b.defaultNodePools, ["default"]);
      assert.deepEqual(b.nodeTypes, { training: ["a100"], workspace: ["t4"], names: { a100: "A100" } });
      assert.equal((b.schedulingRules as Json).interactiveJobTimeLimitSeconds, 100);
      for (const k of ["createdAt", "updatedAt"]) assert.ok(!Number.isNaN(Date.parse(b[k] as string)), k);
      assert.equal(b.createdBy, ADMIN.username);
      assert.equal(b.updatedBy, ADMIN.username);
      assert.equal((b.parent as Json).id, departmentId);
      hasError(await hub.api("POST", P, createSample("organization1")), 409);
      const { name: _omit, ...noName } = createSample("x");
      hasError(await hub.api("POST", P, noName), 400);
      const noGpu = { ...createSample("no-gpu"), resources: [{ nodePool: { id: "default" } }] };
      const missing = await hub.api<{ message: string }>("POST", P, noGpu);
      hasError(missing, 400);
      assert.match(missing.body.message, /^resources\.0\.gpu: is required/);
      hasError(await hub.api("POST", P, createSample("y"), null), 401);
    });

    it("GET /api/v1/org-unit/projects: {projects, next}; 400 on a bad limit; 401", async () => {
      await create("list-a");
      await create("list-b");
      const r = await hub.api<{ projects: Json[]; next?: number }>("GET", `${P}?limit=1&sortBy=name`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.projects.length, 1);
      assert.equal(r.body.next, 1);
      const f = await hub.api<{ projects: Json[] }>("GET", `${P}?filterBy=name!=some-name&offset=0`);
      assert.ok(f.body.projects.length >= 2);
      hasError(await hub.api("GET", `${P}?limit=501`), 400);
      hasError(await hub.api("GET", P, undefined, null), 401);
    });

    it("PUT /api/v1/org-unit/projects/{projectId}: 200 with the sample's fields; 400, 404", async () => {
      const p = await create("put-me");
      const body = {
        schedulingRules: { trainingJobMaxIdleDurationSeconds: 300 },
        defaultNodePools: ["default"],
        nodeTypes: { training: [], workspace: [] },
        resources: resources(2),
      };
      const r = await hub.api<Json>("PUT", `${P}/${String(p.id)}`, body);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, p.id);
      assert.equal(r.body.name, "put-me");
      assert.equal(((r.body.resources as Json[])[0]?.gpu as Json).deserved, 2);
      assert.equal((r.body.schedulingRules as Json).trainingJobMaxIdleDurationSeconds, 300);
      hasError(await hub.api("PUT", `${P}/${String(p.id)}`, { schedulingRules: null }), 400);
      hasError(await hub.api("PUT", `${P}/575c19e8-c7c3-45b0-8290-2f47397a8383`, body), 404);
    });

    it("GET /api/v1/org-unit/projects/{projectId}: 200; 404 for the document's example id", async () => {
      const p = await create("get-me");
      const r = await hub.api<Json>("GET", `${P}/${String(p.id)}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, "get-me");
      assert.equal((r.body.status as Json).phase, "Ready");
      hasError(await hub.api("GET", `${P}/575c19e8-c7c3-45b0-8290-2f47397a8383`), 404);
    });

    it("DELETE /api/v1/org-unit/projects/{projectId}: 204; then 404", async () => {
      const p = await create("delete-me");
      const r = await hub.api("DELETE", `${P}/${String(p.id)}`);
      assert.equal(r.status, 204);
      hasError(await hub.api("DELETE", `${P}/${String(p.id)}`), 404);
    });

    for (const method of ["PUT", "PATCH"] as const) {
      it(`${method} /api/v1/org-unit/projects/{projectId}/resources: 200 array; gpu required; 404`, async () => {
        const p = await create(`res-${method.toLowerCase()}`);
        const r = await hub.api<Json[]>(method, `${P}/${String(p.id)}/resources`, resources(3));
        assert.equal(r.status, 200, r.text);
        assert.ok(Array.isArray(r.body));
        assert.equal((r.body[0]?.gpu as Json).deserved, 3);
        assert.deepEqual(r.body[0]?.nodePool, { id: (r.body[0]?.nodePool as Json).id, name: "default" });
        const bad = await hub.api<{ message: string }>(method, `${P}/${String(p.id)}/resources`, [
          { nodePool: { id: "default" }, cpu: { deserved: 1 } },
        ]);
        hasError(bad, 400);
        assert.match(bad.body.message, /^0\.gpu: is required/);
        hasError(
          await hub.api(method, `${P}/575c19e8-c7c3-45b0-8290-2f47397a8383/resources`, resources(1)),
          404,
        );
      });
    }
  });

  describe("deprecated /v1/k8s/clusters/{clusterId}/projects", () => {
    const base = () => `/v1/k8s/clusters/${clusterId}/projects`;
    /** The document's "Create a new project" request sample. */
    const sample = (name: string) => ({
      name,
      departmentId: Number(departmentId),
      nodePoolsResources: [],
      namespace: "ns-proj1",
      deservedGpus: 3,
      maxAllowedGpus: 5,
      gpuOverQuotaWeight: 1,
      defaultNodePools: ["default"],
      interactiveJobTimeLimitSecs: 3600,
      interactiveJobMaxIdleDurationSecs: 3000,
      interactivePreemptibleJobMaxIdleDurationSecs: 3000,
      trainingJobTimeLimitSecs: 3600,
      trainingJobMaxIdleDurationSecs: 3000,
      nodeAffinity: { train: { affinityType: "no_limit", selectedTypes: [] } },
      permissions: { users: [], groups: [], applications: [] },
      resources: {},
    });
    const SAMPLE_FIELDS = [
      "deservedGpus",
      "maxAllowedGpus",
      "gpuOverQuotaWeight",
      "defaultNodePools",
      "interactiveJobTimeLimitSecs",
      "interactiveJobMaxIdleDurationSecs",
      "interactivePreemptibleJobMaxIdleDurationSecs",
      "trainingJobTimeLimitSecs",
      "trainingJobMaxIdleDurationSecs",
      "nodeAffinity",
      "permissions",
      "resources",
    ];
    const created = async (name: string) => {
      const r = await hub.api<Json>("POST", base(), sample(name));
      assert.equal(r.status, 200, r.text);
      return r.body;
    };

    it("POST: 200 with the sample's fields and values; 400; 409", async () => {
      const b = await created("team-a");
      for (const k of SAMPLE_FIELDS) assert.ok(b[k] !== undefined, k);
      assert.deepEqual(
        [b.deservedGpus, b.maxAllowedGpus, b.gpuOverQuotaWeight, b.trainingJobTimeLimitSecs],
        [3, 5, 1, 3600],
      );
      assert.equal(b.namespace, "ns-proj1");
      assert.ok(Number.isInteger(b.id));
      assert.equal(b.departmentId, Number(departmentId));
      assert.deepEqual((b.resources as { gpu: Json }).gpu, {
        deserved: 3,
        maxAllowed: 5,
        overQuotaWeight: 1,
      });
      hasError(await hub.api("POST", base(), sample("team-a")), 409);
      const { departmentId: _d, ...noDept } = sample("team-b");
      hasError(await hub.api("POST", base(), noDept), 400);
      // gpuOverQuotaWeight is a number in [0 .. 3]: 2.5 is taken, 4 is not.
      const half = await hub.api<Json>("POST", base(), { ...sample("team-c"), gpuOverQuotaWeight: 2.5 });
      assert.equal(half.status, 200, half.text);
      assert.equal(half.body.gpuOverQuotaWeight, 2.5);
      hasError(await hub.api("POST", base(), { ...sample("team-d"), gpuOverQuotaWeight: 4 }), 400);
    });

    it("the deprecated `resources` total is accepted and returned", async () => {
      const r = await hub.api<Json>("POST", base(), {
        name: "by-total",
        departmentId: Number(departmentId),
        resources: {
          gpu: { deserved: 2, maxAllowed: 4, overQuotaWeight: 3 },
          cpu: { deserved: 500, maxAllowed: -1, overQuotaWeight: 2 },
        },
      });
      assert.equal(r.status, 200, r.text);
      const total = r.body.resources as { gpu: Json; cpu: Json };
      assert.deepEqual(total.gpu, { deserved: 2, maxAllowed: 4, overQuotaWeight: 3 });
      assert.equal(total.cpu.deserved, 500);
      assert.equal(r.body.deservedGpus, 2);
    });

    it("GET: a bare array; unset scheduling rules are left out, not null", async () => {
      await hub.api("POST", base(), { name: "no-rules", departmentId: Number(departmentId) });
      const r = await hub.api<Json[]>("GET", `${base()}?excludePermissions=true&memoryUnitMb=true`);
      assert.equal(r.status, 200, r.text);
      const p = r.body.find((x) => x.name === "no-rules");
      assert.ok(p);
      assert.equal("interactiveJobTimeLimitSecs" in p, false);
      assert.equal("permissions" in p, false);
      for (const x of r.body)
        for (const [k, v] of Object.entries(x))
          assert.notEqual(v, null, `${String(x.name)}.${k} is not null`);
    });

    it("GET /{id}: 200; 404", async () => {
      const c = await created("get-old");
      const r = await hub.api<Json>("GET", `${base()}/${String(c.id)}?excludePermissions=true`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, "get-old");
      assert.equal((await hub.api("GET", `${base()}/99999`)).status, 404);
    });

    it("PUT /{id}: 200 with the sample's body; 400; 404", async () => {
      const c = await created("put-old");
      const { name: _n, departmentId: _d, ...update } = sample("put-old");
      const r = await hub.api<Json>("PUT", `${base()}/${String(c.id)}`, { ...update, deservedGpus: 2 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.deservedGpus, 2);
      assert.equal(r.body.maxAllowedGpus, 5);
      hasError(await hub.api("PUT", `${base()}/${String(c.id)}`, { gpuOverQuotaWeight: -1 }), 400);
      hasError(await hub.api("PUT", `${base()}/99999`, update), 404);
    });

    it("DELETE /{id} (integer id): 200 with the deleted project; 404", async () => {
      const c = await created("del-old");
      const r = await hub.api<Json>("DELETE", `${base()}/${String(c.id)}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, c.id);
      for (const k of SAMPLE_FIELDS.filter((f) => f !== "permissions")) assert.ok(r.body[k] !== undefined, k);
      hasError(await hub.api("DELETE", `${base()}/${String(c.id)}`), 404);
    });

    it("GET metrics (all and one): current.resources + nodepoolResources, timeRange.resources", async () => {
      const c = await created("metered");
      hub.hub.core.projectMetrics.sample();
      const now = Date.now();
      const range = `start=${new Date(now - 60_000).toISOString()}&end=${new Date(now + 60_000).toISOString()}`;
      const uuid = `/v1/k8s/clusters/${clusterId}/projects`;
      const all = await hub.api<{ data: Json[]; timeRange: { resources: Json[] } }>(
        "GET",
        `${uuid}/metrics?${range}&numberOfSamples=20&nodepoolName=default`,
      );
      assert.equal(all.status, 200, all.text);
      assert.ok(all.body.data.length > 0);
      assert.ok(all.body.timeRange.resources.length > 0);
      const point = all.body.timeRange.resources[0] as Json;
      for (const k of ["numberOfPendingWorkloads", "gpu", "cpu", "memory", "timestamp"])
        assert.ok(k in point, k);
      const one = await hub.api<{ metadata: Json; current: Json; timeRange: { resources: Json[] } }>(
        "GET",
        `${uuid}/${String(c.id)}/metrics?${range}`,
      );
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.metadata.projectId, c.id);
      assert.equal(one.body.metadata.projectName, "metered");
      assert.equal(one.body.metadata.departmentId, Number(departmentId));
      const current = one.body.current as { resources: Json[]; nodepoolResources: Json[] };
      assert.equal((current.resources[0]?.gpu as Json).quota, 3);
      assert.equal(current.nodepoolResources[0]?.nodepoolName, "default");
      assert.ok(one.body.timeRange.resources.length > 0);
      assert.equal((await hub.api("GET", `${uuid}/metrics?start=2023-06-06T12:09:18.211Z`)).status, 400);
      assert.equal(
        (await hub.api("GET", `/v1/k8s/clusters/9f55255e-11ed-47c7-acef-fc4054768dbc/projects/metrics`))
          .status,
        404,
      );
    });
  });

  describe("departments (the routes runapy offers)", () => {
    it("create, get, PUT, resources, count, list, delete; 404", async () => {
      const c = await hub.api<Json>("POST", D, {
        name: "dept-b",
        clusterId,
        description: "b",
        schedulingRules: { trainingJobTimeLimitSeconds: 60 },
        resources: resources(4),
      });
      assert.equal(c.status, 201, c.text);
      assert.equal(typeof c.body.id, "string");
      for (const k of ["children", "projectsAggregatedResources", "totalResources", "status", "overtimeData"])
        assert.ok(c.body[k] !== undefined, k);
      const id = c.body.id as string;
      const put = await hub.api<Json>("PUT", `${D}/${id}`, {
        description: "changed",
        resources: resources(5),
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.description, "changed");
      assert.equal(((put.body.resources as Json[])[0]?.gpu as Json).deserved, 5);
      hasError(await hub.api("PUT", `${D}/${id}`, { description: "no resources" }), 400);
      hasError(await hub.api("PUT", `${D}/99999`, { resources: [] }), 404);
      // The swagger's ResourcesNullable: a department's gpu may be left out.
      const patch = await hub.api<Json[]>("PATCH", `${D}/${id}/resources`, [
        { nodePool: { id: "default" }, cpu: { deserved: 2000 } },
      ]);
      assert.equal(patch.status, 200, patch.text);
      assert.equal((patch.body[0]?.gpu as Json).deserved, 5);
      assert.equal((await hub.api("PUT", `${D}/${id}/resources`, resources(6))).status, 200);
      const kid = await hub.api<Json>("POST", P, { ...createSample("kid"), parentId: id });
      assert.equal(kid.status, 201, kid.text);
      const got = await hub.api<Json>("GET", `${D}/${id}`);
      assert.deepEqual(got.body.children, [{ id: String(kid.body.id), name: "kid" }]);
      assert.equal(((got.body.projectsAggregatedResources as Json[])[0]?.gpu as Json).deserved, 1);
      assert.deepEqual((await hub.api("GET", `${D}/count?filterBy=name==dept-b`)).body, { count: 1 });
      const list = await hub.api<{ departments: Json[] }>("GET", `${D}?verbosity=meta&sortBy=name`);
      assert.ok(list.body.departments.some((d) => d.name === "dept-b"));
      hasError(await hub.api("DELETE", `${D}/${id}`), 409);
      assert.equal((await hub.api("DELETE", `${P}/${String(kid.body.id)}`)).status, 204);
      assert.equal((await hub.api("DELETE", `${D}/${id}`)).status, 204);
      hasError(await hub.api("GET", `${D}/${id}`), 404);
    });

    it("metrics and telemetry, new and deprecated; telemetry filters", async () => {
      const p = await create("tele");
      hub.hub.core.projectMetrics.sample();
      const now = Date.now();
      const range = `start=${new Date(now - 60_000).toISOString()}&end=${new Date(now + 60_000).toISOString()}`;
      const m = await hub.api<{ measurements: { type: string; values: Json[] }[] }>(
        "GET",
        `${D}/${departmentId}/metrics?metricType=GPU_QUOTA&${range}`,
      );
      assert.equal(m.status, 200, m.text);
      assert.equal(m.body.measurements[0]?.values[0]?.value, "8", "the department's own quota");
      const tele = async (q: string) =>
        (await hub.api<{ values: { value: string }[] }>("GET", `${P}/telemetry?telemetryType=GPU_QUOTA&${q}`))
          .body.values;
      const mine = await tele(`departmentId=${departmentId}&clusterId=${clusterId}&nodepoolId=default`);
      assert.ok(Number(mine[0]?.value) >= 1);
      assert.deepEqual(await tele("departmentId=99999"), []);
      assert.deepEqual(await tele("nodepoolId=no-such-pool"), []);
      assert.deepEqual(await tele("clusterId=9f55255e-11ed-47c7-acef-fc4054768dbc"), []);
      const dt = await hub.api<{ values: { value: string; groups: Json[] }[] }>(
        "GET",
        `${D}/telemetry?telemetryType=GPU_QUOTA&departmentId=${departmentId}&groupBy=CLUSTER_ID`,
      );
      assert.equal(dt.status, 200, dt.text);
      assert.equal(dt.body.values[0]?.value, "8");
      assert.equal(dt.body.values[0]?.groups[0]?.key, "CLUSTER_ID");
      const old = `/v1/k8s/clusters/${clusterId}/departments`;
      const one = await hub.api<{ metadata: Json; current: { resources: Json[]; projectResources: Json[] } }>(
        "GET",
        `${old}/${departmentId}/metrics?${range}`,
      );
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.metadata.departmentId, Number(departmentId));
      assert.ok(one.body.current.projectResources.some((x) => x.projectName === "tele"));
      const all = await hub.api<{ data: Json[]; timeRange: { resources: Json[] } }>(
        "GET",
        `${old}/metrics?${range}`,
      );
      assert.equal(all.status, 200, all.text);
      assert.ok(all.body.timeRange.resources.length > 0);
      const legacy = await hub.api<Json[]>("GET", old);
      const mineOld = legacy.body.find((d) => d.id === Number(departmentId));
      assert.ok(mineOld);
      assert.ok((mineOld.projects as Json[]).some((x) => x.id === p.id));
      const acl = await hub.api<Json>("PUT", `${old}/${departmentId}/access-control`, {
        departmentId: Number(departmentId),
        departmentAdmins: [ADMIN.username],
      });
      assert.equal(acl.status, 201, acl.text);
      assert.deepEqual(acl.body.departmentAdmins, [ADMIN.username]);
      const after = (await hub.api<Json[]>("GET", old)).body.find((d) => d.id === Number(departmentId));
      assert.deepEqual(after?.departmentAdmins, [ADMIN.username]);
      hasError(
        await hub.api("PUT", `${old}/${departmentId}/access-control`, { departmentAdmins: ["nobody"] }),
        400,
      );
    });
  });
});
