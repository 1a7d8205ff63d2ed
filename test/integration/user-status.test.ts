/**
 * User status is a core fact checked by core.auth on every surface: a user who registered on
 * OTE-stack (pending review) cannot log in or use a token on the native API, OpenPAI or Run:ai;
 * once an OTE administrator approves it, it can; once it is forbidden (OTE status 3), the tokens
 * it already holds are refused everywhere at once.
 */
import assert from "node:assert/strict";
import { OteClient } from "../helpers/otestack-client";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

const USER = { username: "selfreg", password: "Selfreg123" };

describe("integration: user status checked by core.auth for every surface", function () {
  this.timeout(30_000);
  let hub: TestHub;
  let oteAdmin: OteClient;

  /** Logs in on each surface; the statuses and tokens (null where refused). */
  const logins = async () => {
    const native = await hub.api<{ token?: string; code?: string }>(
      "POST",
      "/api/corral/v1/auth/login",
      USER,
      null,
    );
    const pai = await hub.api<{ token?: string; code?: string }>(
      "POST",
      "/api/v1/authn/basic/login",
      USER,
      null,
    );
    const runai = await hub.api<{ accessToken?: string; code?: number }>(
      "POST",
      "/api/v1/token",
      { grantType: "password", ...USER },
      null,
    );
    const ote = await new OteClient(hub.hub.httpUrl).call("POST", "/v1/authorization", USER, null);
    return { native, pai, runai, ote };
  };

  /** Uses `token` on each surface's read of the caller's own things; the statuses. */
  const uses = async (token: string) => ({
    native: (await hub.api("GET", "/api/corral/v1/workloads", undefined, token)).status,
    pai: (await hub.api("GET", `/api/v2/users/${USER.username}`, undefined, token)).status,
    runai: (await hub.api("GET", "/api/v1/org-unit/projects", undefined, token)).status,
    ote: (await new OteClient(hub.hub.httpUrl).call("GET", "/v1/authorization", undefined, token)).status,
  });

  before(async () => {
    hub = await startTestHub();
    oteAdmin = new OteClient(hub.hub.httpUrl);
    await oteAdmin.login(ADMIN.username, ADMIN.password);
  });
  after(() => hub.close());

  it("refuses a pending user, admits it once approved, refuses its tokens once forbidden", async () => {
    const reg = await new OteClient(hub.hub.httpUrl).call<{ status: number }>("POST", "/v1/user", USER);
    assert.equal(reg.status, 200);
    assert.equal(reg.body.data?.status, 0);
    assert.equal(hub.hub.core.users.get(USER.username).status, "pending");

    // Pending: every surface refuses the login in its own words.
    const pending = await logins();
    assert.equal(pending.native.status, 403, pending.native.text);
    assert.equal(pending.native.body.code, "permission_denied");
    assert.equal(pending.pai.status, 403, pending.pai.text);
    assert.equal(pending.pai.body.code, "ForbiddenUserError");
    assert.equal(pending.runai.status, 403, pending.runai.text);
    assert.equal(pending.runai.body.code, 403);
    assert.equal(pending.ote.status, 403);
    // A token issued anyway (e.g. before registration was reviewed) is refused on every surface.
    const early = hub.hub.core.auth.issue(hub.hub.core.users.get(USER.username), "login", 3600).token;
    assert.deepEqual(await uses(early), { native: 403, pai: 403, runai: 403, ote: 403 });

    // Approved by an OTE administrator: every surface lets the user in.
    const audit = await oteAdmin.call("PUT", `/v1/admin/user/${USER.username}/status`, { status: 1 });
    assert.equal(audit.status, 200);
    assert.equal(hub.hub.core.users.get(USER.username).status, "active");
    const active = await logins();
    assert.equal(active.native.status, 200, active.native.text);
    assert.equal(active.pai.status, 200, active.pai.text);
    assert.equal(active.runai.status, 200, active.runai.text);
    assert.equal(active.ote.status, 200);
    const tokens = {
      native: active.native.body.token as string,
      pai: active.pai.body.token as string,
      runai: active.runai.body.accessToken as string,
      ote: active.ote.body.token as string,
    };
    for (const token of Object.values(tokens))
      assert.deepEqual(await uses(token), { native: 200, pai: 200, runai: 200, ote: 200 });
    const app = hub.hub.core.auth.issue(hub.hub.core.users.get(USER.username), "application", null).token;
    assert.equal((await uses(app)).native, 200);

    // Forbidden (OTE status 3): the tokens it holds, application tokens too, stop at once.
    const forbid = await oteAdmin.call<{ status: number }>("PUT", `/v1/admin/user/${USER.username}/status`, {
      status: 3,
    });
    assert.equal(forbid.status, 200);
    assert.equal(forbid.body.data?.status, 3);
    assert.equal(hub.hub.core.users.get(USER.username).status, "disabled");
    for (const token of [...Object.values(tokens), app]) {
      const refused = await uses(token);
      for (const [surface, status] of Object.entries(refused))
        assert.ok(status === 401 || status === 403, `${surface} answered ${status}`);
    }
    assert.deepEqual(await uses(app), { native: 403, pai: 403, runai: 403, ote: 403 });
    const grant = await hub.api<{ code: number }>(
      "POST",
      "/api/v1/token",
      { grantType: "app_token", appID: USER.username, appSecret: app },
      null,
    );
    assert.equal(grant.status, 403, grant.text);
    const disabled = await logins();
    assert.deepEqual(
      [disabled.native.status, disabled.pai.status, disabled.runai.status, disabled.ote.status],
      [403, 403, 403, 403],
    );
  });
});
