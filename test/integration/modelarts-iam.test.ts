import assert from "node:assert/strict";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";
import { adminAccessKey, maCall, maSigned, projectIdOf, send } from "../helpers/modelarts";
import { signRequest } from "../helpers/sdk-signer";

const passwordAuth = (name: string, password: string, domain = name) => ({
  auth: {
    identity: { methods: ["password"], password: { user: { name, password, domain: { name: domain } } } },
    scope: { project: { name: "cn-north-4" } },
  },
});

/** IAM identity over a real hub: tokens, projects, permanent access keys and AK/SK signatures. */
describe("integration: ModelArts IAM identity and AK/SK signatures", function () {
  this.timeout(30_000);
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => hub.close());

  it("issues a 24 h token in X-Subject-Token (201) that works as X-Auth-Token and Bearer", async () => {
    const res = await maCall<{
      token: {
        expires_at: string;
        issued_at: string;
        methods: string[];
        project: { id: string };
        user: { name: string };
        catalog: { type: string; endpoints: { url: string }[] }[];
      };
    }>(hub, "POST", "/v3/auth/tokens", passwordAuth(ADMIN.username, ADMIN.password), null);
    assert.equal(res.status, 201, res.text);
    const token = res.headers.get("x-subject-token") ?? "";
    assert.ok(token);
    const t = res.body.token;
    assert.equal(Date.parse(t.expires_at) - Date.parse(t.issued_at), 24 * 3600 * 1000);
    assert.deepEqual(t.methods, ["password"]);
    assert.equal(t.project.id, projectIdOf(hub));
    assert.equal(t.user.name, ADMIN.username);
    assert.equal(t.catalog.find((c) => c.type === "modelarts")?.endpoints[0]?.url, hub.hub.httpUrl);
    assert.equal((await maCall(hub, "GET", "/v1/{project_id}/workspaces", undefined, token)).status, 200);
    const bearer = await maCall(hub, "GET", "/v1/{project_id}/workspaces", undefined, null, {
      authorization: `Bearer ${token}`,
    });
    assert.equal(bearer.status, 200);
    // And the token works on another surface (one token system).
    assert.equal((await hub.api("GET", "/api/corral/v1/auth/me", undefined, token)).status, 200);
  });

  it("refuses a wrong password or account with IAM.0101 (401), and other methods with IAM.0001", async () => {
    const wrong = await maCall(hub, "POST", "/v3/auth/tokens", passwordAuth(ADMIN.username, "nope"), null);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error_code, "IAM.0101");
    const domain = await maCall(
      hub,
      "POST",
      "/v3/auth/tokens",
      passwordAuth(ADMIN.username, ADMIN.password, "other"),
      null,
    );
    assert.equal(domain.body.error_code, "IAM.0101");
    const other = await maCall(
      hub,
      "POST",
      "/v3/auth/tokens",
      { auth: { identity: { methods: ["token"] } } },
      null,
    );
    assert.equal(other.status, 400);
    assert.equal(other.body.error_code, "IAM.0001");
  });

  it("lists the hub's one project by region name", async () => {
    const res = await maCall<{
      projects: { id: string; name: string; domain_id: string; enabled: boolean }[];
    }>(hub, "GET", "/v3/projects?name=cn-north-4");
    assert.equal(res.status, 200);
    assert.equal(res.body.projects.length, 1);
    assert.equal(res.body.projects[0]?.id, projectIdOf(hub));
    assert.equal(res.body.projects[0]?.enabled, true);
    const none = await maCall<{ projects: unknown[] }>(hub, "GET", "/v3/projects?name=eu-west-0");
    assert.deepEqual(none.body.projects, []);
    const unauthenticated = await maCall(hub, "GET", "/v3/projects", undefined, null);
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.body.error_code, "APIG.1002");
  });

  it("makes, lists and deletes permanent access keys; the secret is shown once and never stored plain", async () => {
    const me = await maCall<{ token: { user: { id: string } } }>(
      hub,
      "POST",
      "/v3/auth/tokens",
      passwordAuth(ADMIN.username, ADMIN.password),
      null,
    );
    const made = await maCall<{
      credential: { access: string; secret: string; status: string; user_id: string; create_time: string };
    }>(hub, "POST", "/v3.0/OS-CREDENTIAL/credentials", {
      credential: { user_id: me.body.token.user.id, description: "ci" },
    });
    assert.equal(made.status, 201, made.text);
    const c = made.body.credential;
    assert.match(c.access, /^[A-Z0-9]{20}$/);
    assert.match(c.secret, /^[A-Za-z0-9]{40}$/);
    assert.equal(c.status, "active");
    const list = await maCall<{ credentials: { access: string; secret?: string }[] }>(
      hub,
      "GET",
      "/v3.0/OS-CREDENTIAL/credentials",
    );
    const listed = list.body.credentials.find((x) => x.access === c.access);
    assert.ok(listed);
    assert.equal(listed.secret, undefined);
    const stored = hub.hub.core.accessKeys.get(c.access);
    assert.ok(!stored.secretSealed.includes(c.secret));
    // Signed with the new key, then refused once it is deleted.
    assert.equal(
      (await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, { ak: c.access, sk: c.secret }))
        .status,
      200,
    );
    const del = await maCall(hub, "DELETE", `/v3.0/OS-CREDENTIAL/credentials/${c.access}`);
    assert.equal(del.status, 204);
    const after = await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, {
      ak: c.access,
      sk: c.secret,
    });
    assert.equal(after.status, 401);
    assert.equal(after.body.error_code, "APIG.0301");
    const gone = await maCall(hub, "DELETE", `/v3.0/OS-CREDENTIAL/credentials/${c.access}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error_code, "IAM.0004");
  });

  it("accepts a signed request (body, query) and refuses a wrong signature with APIG.0301 (401)", async () => {
    const ok = await maSigned(hub, "POST", "/v1/{project_id}/workspaces", { name: "signed-one" });
    assert.equal(ok.status, 200, ok.text);
    const q = await maSigned<{ count: number }>(
      hub,
      "GET",
      "/v1/{project_id}/workspaces?name=signed&limit=5",
    );
    assert.equal(q.body.count, 1);
    const key = await adminAccessKey(hub);
    const bad = await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, {
      ak: key.ak,
      sk: "x".repeat(40),
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error_code, "APIG.0301");
    assert.equal(typeof bad.body.error_msg, "string");
    const unknown = await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, {
      ak: "NOSUCHKEY00000000000",
      sk: key.sk,
    });
    assert.equal(unknown.body.error_code, "APIG.0301");
  });

  it("refuses a body changed after signing, a date out of the 15-minute window and a replayed write", async () => {
    const key = await adminAccessKey(hub);
    const url = `${hub.hub.httpUrl}/v1/${projectIdOf(hub)}/workspaces`;
    const headers = signRequest({
      method: "POST",
      url,
      headers: { "Content-Type": "application/json" },
      body: '{"name":"replayed"}',
      ...key,
    });
    const tampered = await send<{ error_code: string }>(url, "POST", headers, '{"name":"tampered"}');
    assert.equal(tampered.body.error_code, "APIG.0301");
    const first = await send(url, "POST", headers, '{"name":"replayed"}');
    assert.equal(first.status, 200, first.text);
    const again = await send<{ error_code: string; error_msg: string }>(
      url,
      "POST",
      headers,
      '{"name":"replayed"}',
    );
    assert.equal(again.status, 401);
    assert.match(again.body.error_msg, /replay/);
    const old = await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, key, {
      at: new Date(Date.now() - 16 * 60_000),
    });
    assert.equal(old.status, 401);
    assert.match(String(old.body.error_msg), /15 minutes/);
    const soon = await maSigned(hub, "GET", "/v1/{project_id}/workspaces", undefined, key, {
      at: new Date(Date.now() + 10 * 60_000),
    });
    assert.equal(soon.status, 200);
    const noDate = { ...headers };
    delete noDate["X-Sdk-Date"];
    const missing = await send<{ error_code: string }>(url, "POST", noDate, '{"name":"replayed"}');
    assert.equal(missing.body.error_code, "APIG.0301");
  });

  it("serves access keys in the native API", async () => {
    const made = await hub.api<{ id: string; secret: string; username: string }>(
      "POST",
      "/api/corral/v1/access-keys",
      { description: "native" },
    );
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.username, ADMIN.username);
    const list = await hub.api<{ items: { id: string; secret?: string }[] }>(
      "GET",
      "/api/corral/v1/access-keys",
    );
    assert.ok(list.body.items.some((k) => k.id === made.body.id && k.secret === undefined));
    assert.equal((await hub.api("DELETE", `/api/corral/v1/access-keys/${made.body.id}`)).status, 200);
    assert.equal((await hub.api("DELETE", `/api/corral/v1/access-keys/${made.body.id}`)).status, 404);
  });
});
