import assert from "node:assert/strict";
import { nativeSurface } from "../../hub/api/native";
import { FixedServices, modelartsWithServices } from "../helpers/app-auth-surface";
import { maCall, projectIdOf } from "../helpers/modelarts";
import { startTestHub, type TestHub } from "../helpers/test-hub";

type Json = Record<string, unknown>;
interface AppJson {
  app_codes: string[];
  app_id: string;
  app_key: string;
  app_name: string;
  app_remark: string;
  app_secret: string;
  app_type: string;
  bounded_api_count: number;
  created_at: number;
  project_id: string;
  updated_at: number;
  user_id: string;
}
interface ApiJson {
  api_id: string;
  api_method: string;
  api_name: string;
  api_remark: string;
  auth_type: string;
  predict_url: string;
  service_id: string;
  service_name: string;
  support_app_code: boolean;
}
interface ResultJson {
  api_id: string;
  app_id: string;
  auth_id: string;
  reason: string;
  success: boolean;
}

const SERVICE_ID = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3";
const APPS = "/v1/{project_id}/app-auth/apps";
const SVC = `/v1/{project_id}/services/${SERVICE_ID}`;

/**
 * App authentication routes (ModelArts "APP认证管理") through real HTTP, with the API
 * reference's own examples: apps, app codes, AppSecrets, APIs registered for a real-time service
 * (a fixed service record stands in for the services side) and their authorizations.
 */
describe("integration: ModelArts app authentication routes", function () {
  this.timeout(30_000);
  const services = new FixedServices();
  let hub: TestHub;
  let alice = "";
  let bob = "";
  let aliceId = "";

  const login = async (username: string): Promise<{ token: string; id: string }> => {
    const made = await hub.api<{ id: string }>("POST", "/api/corral/v1/users", {
      username,
      password: `${username}-pass-1`,
    });
    assert.equal(made.status, 201, made.text);
    const res = await hub.api<{ token: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      { username, password: `${username}-pass-1` },
      null,
    );
    return { token: res.body.token, id: hub.hub.core.users.get(username).id };
  };
  const createApp = (token: string, name: string, remark?: string) =>
    maCall<{ app: AppJson }>(
      hub,
      "POST",
      APPS,
      { app_name: name, ...(remark ? { app_remark: remark } : {}) },
      token,
    );

  before(async () => {
    hub = await startTestHub({}, undefined, { surfaces: [nativeSurface, modelartsWithServices(services)] });
    const a = await login("alice");
    alice = a.token;
    aliceId = a.id;
    bob = (await login("bob")).token;
    services.add({
      id: SERVICE_ID,
      name: "service-129c-test",
      ownerId: aliceId,
      workspaceId: "0",
      accessPath: `/v1/infers/${SERVICE_ID}`,
    });
  });
  after(async () => hub.close());

  it("creates an app with an AppKey and AppSecret, and shows it to its creator only", async () => {
    const res = await createApp(alice, "app_alice", "first app");
    assert.equal(res.status, 200, res.text);
    const app = res.body.app;
    assert.match(app.app_id, /^[0-9a-f]{32}$/);
    assert.match(app.app_key, /^[0-9a-f]{32}$/);
    assert.match(app.app_secret, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      { ...app, app_id: "", app_key: "", app_secret: "", created_at: 0, updated_at: 0 },
      {
        app_codes: [],
        app_id: "",
        app_key: "",
        app_name: "app_alice",
        app_remark: "first app",
        app_secret: "",
        app_type: "APIG",
        bounded_api_count: 0,
        created_at: 0,
        project_id: projectIdOf(hub),
        updated_at: 0,
        user_id: aliceId.replace(/-/g, ""),
      },
    );
    const mine = await maCall<{ apps: AppJson[]; count: number; total_count: number }>(
      hub,
      "GET",
      APPS,
      undefined,
      alice,
    );
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(
      mine.body.apps.map((a) => [a.app_name, a.app_secret]),
      [["app_alice", "******"]],
      "lists mask the AppSecret unless asked",
    );
    const clear = await maCall<{ apps: AppJson[] }>(
      hub,
      "GET",
      `${APPS}?iphertext_enabled=true&app_ids=${app.app_id}`,
      undefined,
      alice,
    );
    assert.equal(clear.body.apps[0]?.app_secret, app.app_secret);
    const theirs = await maCall<{ apps: AppJson[]; total_count: number }>(hub, "GET", APPS, undefined, bob);
    assert.deepEqual([theirs.body.apps, theirs.body.total_count], [[], 0]);
    const got = await maCall<{ app: AppJson }>(hub, "GET", `${APPS}/${app.app_id}`, undefined, alice);
    assert.equal(got.body.app.app_secret, app.app_secret);
    const hidden = await maCall<Json>(hub, "GET", `${APPS}/${app.app_id}`, undefined, bob);
    assert.equal(hidden.status, 404, hidden.text);
    assert.equal(hidden.body.error_code, "ModelArts.0104");
  });

  it("answers whether an app name exists among the caller's apps (the document's example)", async () => {
    const yes = await maCall<Json>(hub, "GET", `${APPS}/app_alice/exists?workspace_id=0`, undefined, alice);
    assert.deepEqual([yes.status, yes.body], [200, { exists: true }]);
    const no = await maCall<Json>(hub, "GET", `${APPS}/app_alice/exists`, undefined, bob);
    assert.deepEqual(no.body, { exists: false });
  });

  it("refuses a sixth app with ModelArts's quota error, a duplicate name and a bad name", async () => {
    for (const n of [2, 3, 4, 5]) assert.equal((await createApp(alice, `app_${n}`)).status, 200);
    const sixth = await createApp(alice, "app_6");
    assert.equal(sixth.status, 400, sixth.text);
    assert.equal((sixth.body as unknown as Json).error_code, "ModelArts.0116");
    const sorted = await maCall<{ apps: AppJson[]; count: number; total_count: number }>(
      hub,
      "GET",
      `${APPS}?sort_by=app_name&order=desc&limit=2&offset=1`,
      undefined,
      alice,
    );
    assert.deepEqual(
      [sorted.body.apps.map((a) => a.app_name), sorted.body.count, sorted.body.total_count],
      [["app_5", "app_4"], 2, 5],
    );
    for (const a of (await maCall<{ apps: AppJson[] }>(hub, "GET", `${APPS}?app_name=app_`, undefined, alice))
      .body.apps)
      if (a.app_name !== "app_alice")
        assert.equal((await maCall(hub, "DELETE", `${APPS}/${a.app_id}`, undefined, alice)).status, 200);
    const dup = await createApp(bob, "app_b");
    assert.equal(dup.status, 200);
    const again = await createApp(bob, "app_b");
    assert.equal(again.status, 409, again.text);
    const bad = await maCall<Json>(hub, "POST", APPS, { app_remark: "no name" }, alice);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, "ModelArts.0103");
    assert.match(bad.body.error_msg as string, /app_name/);
  });

  it("adds, resets and deletes app codes, and resets the AppSecret", async () => {
    const app = (await maCall<{ apps: AppJson[] }>(hub, "GET", APPS, undefined, alice)).body
      .apps[0] as AppJson;
    const added = await maCall<{ app: AppJson }>(hub, "POST", `${APPS}/${app.app_id}/app-code`, {}, alice);
    assert.equal(added.status, 200, added.text);
    const [code] = added.body.app.app_codes;
    assert.match(code ?? "", /^[A-Za-z][A-Za-z0-9_-]{63}$/);
    const reset = await maCall<{ app: AppJson }>(
      hub,
      "PUT",
      `${APPS}/${app.app_id}/app-code/${code}`,
      {},
      alice,
    );
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.body.app.app_codes.length, 1);
    assert.notEqual(reset.body.app.app_codes[0], code);
    const stale = await maCall<Json>(hub, "PUT", `${APPS}/${app.app_id}/app-code/${code}`, {}, alice);
    assert.equal(stale.status, 404, stale.text);
    const other = await maCall<Json>(hub, "POST", `${APPS}/${app.app_id}/app-code`, {}, bob);
    assert.equal(other.status, 404);
    const gone = await maCall<{ app: AppJson }>(
      hub,
      "DELETE",
      `${APPS}/${app.app_id}/app-code/${reset.body.app.app_codes[0]}`,
      undefined,
      alice,
    );
    assert.deepEqual([gone.status, gone.body.app.app_codes], [200, []]);
    const before = await maCall<{ app: AppJson }>(hub, "GET", `${APPS}/${app.app_id}`, undefined, alice);
    const secret = await maCall<{ app: AppJson }>(hub, "PUT", `${APPS}/${app.app_id}/app-secret`, {}, alice);
    assert.equal(secret.status, 200, secret.text);
    assert.match(secret.body.app.app_secret, /^[0-9a-f]{32}$/);
    assert.notEqual(secret.body.app.app_secret, before.body.app.app_secret);
    const after = await maCall<{ app: AppJson }>(hub, "GET", `${APPS}/${app.app_id}`, undefined, alice);
    assert.equal(after.body.app.app_secret, secret.body.app.app_secret);
  });

  it("registers the service's API and authorizes apps to it (the document's example)", async () => {
    const mine = (await maCall<{ apps: AppJson[] }>(hub, "GET", APPS, undefined, alice)).body
      .apps[0] as AppJson;
    const bobs = (await maCall<{ apps: AppJson[] }>(hub, "GET", APPS, undefined, bob)).body
      .apps[0] as AppJson;
    const res = await maCall<{ api: ApiJson; auth_result: ResultJson[] }>(
      hub,
      "POST",
      `${SVC}/app-auth-api`,
      { apps: [{ app_id: mine.app_id }, { app_id: bobs.app_id }], workspace_id: "0" },
      alice,
    );
    assert.equal(res.status, 200, res.text);
    const api = res.body.api;
    assert.match(api.api_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      { ...api, api_id: "" },
      {
        api_id: "",
        api_method: "ANY",
        api_name: "infer_456963f1737c4de08bee5b4f6f3a8fa3",
        api_remark: "",
        auth_type: "APP",
        predict_url: `${hub.hub.httpUrl}/v1/infers/${SERVICE_ID}`,
        service_id: SERVICE_ID,
        service_name: "service-129c-test",
        support_app_code: true,
      },
    );
    const [ok, refused] = res.body.auth_result;
    assert.deepEqual(
      { ...ok, auth_id: "" },
      { api_id: api.api_id, app_id: mine.app_id, auth_id: "", reason: "", success: true },
    );
    assert.match(ok?.auth_id ?? "", /^[0-9a-f]{32}$/);
    assert.equal(refused?.success, false, "an app of another user than the service's creator");
    assert.match(refused?.reason ?? "", /creator/);
    const again = await maCall<{ api: ApiJson }>(
      hub,
      "POST",
      `${SVC}/app-auth-api`,
      { apps: [{ app_id: mine.app_id }] },
      alice,
    );
    assert.equal(again.body.api.api_id, api.api_id, "one API per service path: registering again reuses it");

    const bound = await maCall<{ apis: ApiJson[]; count: number; total_count: number }>(
      hub,
      "GET",
      `${APPS}/${mine.app_id}/auth-apis`,
      undefined,
      alice,
    );
    assert.deepEqual([bound.body.apis.map((a) => a.api_id), bound.body.total_count], [[api.api_id], 1]);
    const byService = await maCall<{ apis: ApiJson[] }>(
      hub,
      "GET",
      `${APPS}/${mine.app_id}/auth-apis?service_name=no-such&sort_by=created_at`,
      undefined,
      alice,
    );
    assert.deepEqual(byService.body.apis, [], "service_name filters by the API's service name");
    const app = await maCall<{ app: AppJson }>(hub, "GET", `${APPS}/${mine.app_id}`, undefined, alice);
    assert.equal(app.body.app.bounded_api_count, 1);
    const query = await maCall<{ api: ApiJson }>(
      hub,
      "GET",
      `/v1/{project_id}/app-auth/${SERVICE_ID}/apis/${api.api_id}`,
      undefined,
      alice,
    );
    assert.deepEqual(query.body.api, api);
    const list = await maCall<{ apis: ApiJson[]; count: number }>(
      hub,
      "GET",
      `${SVC}/app-auth-apis`,
      undefined,
      alice,
    );
    assert.deepEqual(
      list.body.apis.map((a) => a.api_id),
      [api.api_id],
    );
    const both = await maCall<{
      enable_app_auth: boolean;
      app_auth_api: { api_id: string; authed_apps: AppJson[] };
    }>(hub, "GET", `${SVC}/api-auths?workspace_id=0`, undefined, alice);
    assert.equal(both.body.enable_app_auth, true);
    assert.deepEqual(
      [
        both.body.app_auth_api.api_id,
        both.body.app_auth_api.authed_apps.map((a) => [a.app_id, a.app_secret]),
      ],
      [api.api_id, [[mine.app_id, "******"]]],
    );
    const rel = await maCall<{
      auths: { app: AppJson; authed: boolean }[];
      count: number;
      total_count: number;
    }>(hub, "GET", `${SVC}/app-auth-apis/${api.api_id}/api-auths`, undefined, alice);
    assert.deepEqual(
      rel.body.auths.map((a) => [a.app.app_id, a.authed]),
      [[mine.app_id, true]],
    );
    const unauth = await maCall<{ auths: unknown[] }>(
      hub,
      "GET",
      `${SVC}/app-auth-apis/${api.api_id}/api-auths?show_only=UNAUTH`,
      undefined,
      alice,
    );
    assert.deepEqual(unauth.body.auths, []);

    // Another user sees neither the service nor its API; an unknown service is "not found" too.
    for (const [method, path] of [
      ["POST", `${SVC}/app-auth-api`],
      ["GET", `${SVC}/app-auth-apis`],
      ["GET", `/v1/{project_id}/app-auth/${SERVICE_ID}/apis/${api.api_id}`],
    ] as const) {
      const other = await maCall<Json>(
        hub,
        method,
        path,
        method === "POST" ? { apps: [{ app_id: bobs.app_id }] } : undefined,
        bob,
      );
      assert.equal(other.status, 404, `${method} ${path}: ${other.text}`);
    }
    const unknown = await maCall<Json>(
      hub,
      "GET",
      "/v1/{project_id}/services/no-such-service/app-auth-apis",
      undefined,
      alice,
    );
    assert.equal(unknown.status, 404);
    const noApps = await maCall<Json>(hub, "POST", `${SVC}/app-auth-api`, { apps: [] }, alice);
    assert.equal(noApps.status, 400);
    assert.match(noApps.body.error_msg as string, /apps/);
  });

  it("refuses to delete an app bound to an API, updates and cancels authorizations by both URLs", async () => {
    const mine = (await maCall<{ apps: AppJson[] }>(hub, "GET", APPS, undefined, alice)).body
      .apps[0] as AppJson;
    const second = (await createApp(alice, "app_second")).body.app;
    const api = (await maCall<{ apis: ApiJson[] }>(hub, "GET", `${SVC}/app-auth-apis`, undefined, alice)).body
      .apis[0] as ApiJson;
    const bound = await maCall<Json>(hub, "DELETE", `${APPS}/${mine.app_id}`, undefined, alice);
    assert.equal(bound.status, 409, bound.text);
    assert.match(bound.body.error_msg as string, /bound/);

    const auths = `${SVC}/app-auth-apis/${api.api_id}/app-auth-api`;
    const updated = await maCall<{ auth_result: ResultJson[] }>(
      hub,
      "PUT",
      auths,
      { apps: [{ app_id: second.app_id }] },
      alice,
    );
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(
      updated.body.auth_result.map((r) => [r.app_id, r.success]),
      [[second.app_id, true]],
    );
    const rel = await maCall<{ auths: { app: AppJson; authed: boolean }[] }>(
      hub,
      "GET",
      `${SVC}/app-auth-apis/${api.api_id}/api-auths?sort_by=created_at`,
      undefined,
      alice,
    );
    assert.deepEqual(
      rel.body.auths.map((a) => [a.app.app_name, a.authed]),
      [
        ["app_alice", false],
        ["app_second", true],
      ],
    );

    const added = await maCall<{ auth_result: ResultJson[] }>(
      hub,
      "POST",
      auths,
      { apps: [{ app_id: mine.app_id }] },
      alice,
    );
    assert.deepEqual(
      added.body.auth_result.map((r) => r.success),
      [true],
    );
    const cancel = await maCall<{ unauth_result: ResultJson[] }>(
      hub,
      "DELETE",
      auths,
      { apps: [{ app_id: mine.app_id }] },
      alice,
    );
    assert.deepEqual([cancel.status, cancel.body.unauth_result.map((r) => r.success)], [200, [true]]);
    const twice = await maCall<{ unauth_result: ResultJson[] }>(
      hub,
      "DELETE",
      auths,
      { apps: [{ app_id: mine.app_id }] },
      alice,
    );
    assert.equal(twice.body.unauth_result[0]?.success, false);
    const other = await maCall<{ unauth_result: ResultJson[] }>(
      hub,
      "DELETE",
      `/v1/{project_id}/app-auth/${SERVICE_ID}/apis/${api.api_id}/auths`,
      { apps: [{ app_id: second.app_id }] },
      alice,
    );
    assert.deepEqual([other.status, other.body.unauth_result.map((r) => r.success)], [200, [true]]);
    const free = await maCall<Json>(hub, "DELETE", `${APPS}/${second.app_id}`, undefined, alice);
    assert.equal(free.status, 200, free.text);
    assert.equal((await maCall(hub, "GET", `${APPS}/${second.app_id}`, undefined, alice)).status, 404);
  });

  it("creates an API without authorizing it, checks its path, and deletes it", async () => {
    const create = `/v1/{project_id}/app-auth/${SERVICE_ID}/apis`;
    const made = await maCall<{ api: ApiJson }>(
      hub,
      "POST",
      create,
      {
        api_path: `/v1/infers/${SERVICE_ID}/predict`,
        support_app_code: false,
        api_remark: "sign only",
        auth_type: "APP",
      },
      alice,
    );
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(
      [
        made.body.api.predict_url,
        made.body.api.support_app_code,
        made.body.api.api_remark,
        made.body.api.api_method,
      ],
      [`${hub.hub.httpUrl}/v1/infers/${SERVICE_ID}/predict`, false, "sign only", "ANY"],
    );
    const rel = await maCall<{ auths: { authed: boolean }[] }>(
      hub,
      "GET",
      `${SVC}/app-auth-apis/${made.body.api.api_id}/api-auths`,
      undefined,
      alice,
    );
    assert.ok(
      rel.body.auths.every((a) => !a.authed),
      "created, not authorized",
    );
    const dup = await maCall<Json>(
      hub,
      "POST",
      create,
      { api_path: `/v1/infers/${SERVICE_ID}/predict` },
      alice,
    );
    assert.equal(dup.status, 409, dup.text);
    const outside = await maCall<Json>(hub, "POST", create, { api_path: "/v1/infers/another" }, alice);
    assert.equal(outside.status, 400);
    assert.match(outside.body.error_msg as string, /api_path/);
    const iam = await maCall<Json>(hub, "POST", create, { auth_type: "IAM" }, alice);
    assert.equal(iam.status, 400);
    assert.match(iam.body.error_msg as string, /auth_type/);
    const del = await maCall(hub, "DELETE", `${SVC}/app-auth-apis/${made.body.api.api_id}`, undefined, alice);
    assert.equal(del.status, 204, del.text);
    const gone = await maCall<Json>(
      hub,
      "GET",
      `/v1/{project_id}/app-auth/${SERVICE_ID}/apis/${made.body.api.api_id}`,
      undefined,
      alice,
    );
    assert.equal(gone.status, 404);
  });

  it("serves the routes on the hub's own ModelArts surface (no service known until services are wired)", async () => {
    const plain = await startTestHub();
    try {
      const made = await maCall<{ app: AppJson }>(plain, "POST", APPS, { app_name: "app_admin" });
      assert.equal(made.status, 200, made.text);
      const svc = await maCall<Json>(plain, "GET", `${SVC}/app-auth-apis`);
      assert.equal(svc.status, 404, svc.text);
      assert.match(svc.body.error_msg as string, /service/);
    } finally {
      await plain.close();
    }
  });
});
