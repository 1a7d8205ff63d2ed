/**
 * Tokens and logins across the surfaces: token kinds (a refresh token only refreshes), a fresh
 * login for long-lived tokens, token lists that show no other token's text, password changes that
 * revoke every token, login throttling with back-off (429 + Retry-After) on every login route,
 * and the audit trail.
 */
import assert from "node:assert/strict";
import { FRESH_LOGIN_MS } from "../../hub/core/auth";
import { ADMIN, startTestHub, type TestHub } from "../helpers/test-hub";

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describe("integration: token kinds, fresh logins, revocation, login throttling, audit", function () {
  this.timeout(60_000);
  let hub: TestHub;
  const PROJECTS = "/api/v1/org-unit/projects";

  const runaiPassword = (username: string, password: string) =>
    hub.api<Pair>("POST", "/api/v1/token", { grantType: "password", username, password }, null);
  const paiLogin = async (username: string, password: string) =>
    (await hub.api<{ token: string }>("POST", "/api/v2/authn/basic/login", { username, password }, null)).body
      .token;
  const makeUser = async (username: string, password = `${username}-pass-1`) => {
    const res = await hub.api("POST", "/api/v2/users", { username, password, email: "" });
    assert.equal(res.status, 201, res.text);
    return password;
  };

  before(async () => {
    hub = await startTestHub();
  });
  after(() => hub.close());

  describe("Run:ai refresh tokens", () => {
    it("a refresh token is refused as an access token; the refresh grant takes only a refresh token, once", async () => {
      const pair = await runaiPassword(ADMIN.username, ADMIN.password);
      assert.equal(pair.status, 200, pair.text);
      assert.equal((await hub.api("GET", PROJECTS, undefined, pair.body.accessToken)).status, 200);
      assert.equal((await hub.api("GET", PROJECTS, undefined, pair.body.refreshToken)).status, 401);
      assert.equal((await hub.api("GET", "/api/v2/users", undefined, pair.body.refreshToken)).status, 401);
      for (const notRefresh of [pair.body.accessToken, hub.adminToken]) {
        const got = await hub.api(
          "POST",
          "/api/v1/token",
          { grantType: "refresh_token", refreshToken: notRefresh },
          null,
        );
        assert.equal(got.status, 401, got.text);
      }
      const next = await hub.api<Pair>(
        "POST",
        "/api/v1/token",
        { grantType: "refresh_token", refreshToken: pair.body.refreshToken },
        null,
      );
      assert.equal(next.status, 200, next.text);
      assert.equal((await hub.api("GET", PROJECTS, undefined, next.body.accessToken)).status, 200);
      const again = await hub.api(
        "POST",
        "/api/v1/token",
        { grantType: "refresh_token", refreshToken: pair.body.refreshToken },
        null,
      );
      assert.equal(again.status, 401, "a refresh token is used once");
    });
  });

  describe("application tokens need a fresh login", () => {
    it("a fresh login token may make one; a stale, refreshed-from-app, application or refresh token may not", async () => {
      const pw = await makeUser("fresh");
      const fresh = await paiLogin("fresh", pw);
      const made = await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {}, fresh);
      assert.equal(made.status, 200, made.text);

      const user = hub.hub.core.users.get("fresh");
      const stale = hub.hub.core.auth.issue(user, "login", 3600, Date.now() - FRESH_LOGIN_MS - 60_000).token;
      const staleTry = await hub.api<{ code: string }>("POST", "/api/v2/tokens/application", {}, stale);
      assert.equal(staleTry.status, 403, staleTry.text);
      assert.match(staleTry.text, /fresh login/);

      // A token from the app_token grant descends from no password login.
      const viaApp = await hub.api<Pair>(
        "POST",
        "/api/v1/token",
        { grantType: "app_token", appID: "fresh", appSecret: made.body.token },
        null,
      );
      assert.equal(viaApp.status, 200, viaApp.text);
      const fromApp = await hub.api("POST", "/api/v2/tokens/application", {}, viaApp.body.accessToken);
      assert.equal(fromApp.status, 403, fromApp.text);
      assert.equal((await hub.api("POST", "/api/v2/tokens/application", {}, made.body.token)).status, 403);

      // OTE's 1-hour token: fresh only as long as its password login is.
      const ote = await hub.api<{ token: string }>(
        "POST",
        "/v1/authorization",
        { username: "fresh", password: pw },
        null,
      );
      assert.equal(ote.status, 200, ote.text);
      assert.equal((await hub.api("POST", "/api/v2/tokens/application", {}, ote.body.token)).status, 200);
    });
  });

  describe("listing tokens", () => {
    it("a stale token sees its own text and every other token by id only; DELETE takes the id", async () => {
      const pw = await makeUser("lister");
      const first = await paiLogin("lister", pw);
      const app = (await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {}, first)).body
        .token;
      const user = hub.hub.core.users.get("lister");
      const stale = hub.hub.core.auth.issue(user, "login", 3600, Date.now() - FRESH_LOGIN_MS - 60_000).token;
      const list = await hub.api<{ tokens: string[] }>("GET", "/api/v2/tokens", undefined, stale);
      assert.equal(list.status, 200, list.text);
      assert.ok(list.body.tokens.includes(stale), "own token in full");
      assert.ok(!list.text.includes(first) && !list.text.includes(app), "no other token's text");
      assert.equal(list.body.tokens.length, 3);
      const appId = hub.hub.core.auth.authenticate(app).token.id;
      assert.ok(list.body.tokens.includes(appId));
      // A fresh login (which could make an application token anyway) sees them in full.
      const fresh = await hub.api<{ tokens: string[] }>("GET", "/api/v2/tokens", undefined, first);
      assert.ok(fresh.body.tokens.includes(app) && fresh.body.tokens.includes(stale));
      const del = await hub.api("DELETE", `/api/v2/tokens/${appId}`, undefined, stale);
      assert.equal(del.status, 200, del.text);
      assert.equal((await hub.api("GET", "/api/v2/users/lister", undefined, app)).status, 401);
    });
  });

  describe("password change and reset revoke every token", () => {
    it("OpenPAI: an admin's reset revokes the user's application and login tokens", async () => {
      const pw = await makeUser("resetme");
      const login = await paiLogin("resetme", pw);
      const app = (await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {}, login)).body
        .token;
      assert.equal((await hub.api("GET", "/api/v2/users/resetme", undefined, app)).status, 200);
      const reset = await hub.api("PUT", "/api/v2/users/resetme/password", {
        newPassword: "brand-new-pass-2",
      });
      assert.equal(reset.status, 201, reset.text);
      for (const t of [login, app])
        assert.equal((await hub.api("GET", "/api/v2/users/resetme", undefined, t)).status, 401);
    });

    it("OpenPAI: the user's own change keeps only the session that made it", async () => {
      const pw = await makeUser("changer");
      const session = await paiLogin("changer", pw);
      const other = await paiLogin("changer", pw);
      const app = (await hub.api<{ token: string }>("POST", "/api/v2/tokens/application", {}, other)).body
        .token;
      const change = await hub.api(
        "PUT",
        "/api/v2/users/changer/password",
        { oldPassword: pw, newPassword: "changed-pass-22" },
        session,
      );
      assert.equal(change.status, 201, change.text);
      assert.equal((await hub.api("GET", "/api/v2/users/changer", undefined, session)).status, 200);
      for (const t of [other, app])
        assert.equal((await hub.api("GET", "/api/v2/users/changer", undefined, t)).status, 401);
    });
  });

  describe("login throttling (per user and per address) on every login route", () => {
    const routes: [string, (u: string, p: string) => Promise<{ status: number; retry: string | null }>][] = [
      ["native", (u, p) => raw("POST", "/api/corral/v1/auth/login", { username: u, password: p })],
      ["OpenPAI", (u, p) => raw("POST", "/api/v2/authn/basic/login", { username: u, password: p })],
      ["OpenPAI v1", (u, p) => raw("POST", "/api/v1/token", { username: u, password: p })],
      ["OTE-stack", (u, p) => raw("POST", "/v1/authorization", { username: u, password: p })],
      [
        "Run:ai password",
        (u, p) => raw("POST", "/api/v1/token", { grantType: "password", username: u, password: p }),
      ],
      [
        "Run:ai client_credentials",
        (u, p) =>
          raw("POST", "/api/v1/token", { grantType: "client_credentials", clientID: u, clientSecret: p }),
      ],
    ];
    async function raw(method: string, url: string, body: unknown) {
      const res = await fetch(`${hub.hub.httpUrl}${url}`, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await res.text();
      return { status: res.status, retry: res.headers.get("retry-after") };
    }

    for (const [name, login] of routes) {
      it(`${name}: failures back off with 429 and Retry-After, even for the right password`, async () => {
        const username = `thr_${name.replace(/[^a-z]/gi, "").toLowerCase()}`;
        const pw = await makeUser(username);
        for (let i = 0; i < 5; i++) {
          const got = await login(username, "wrong-password");
          assert.ok(got.status === 401 || got.status === 400, `${name} failure ${i}: ${got.status}`);
        }
        const sixth = await login(username, "wrong-password");
        assert.ok(sixth.status < 500);
        const locked = await login(username, pw);
        assert.equal(locked.status, 429, `${name}: locked after 6 failures`);
        assert.ok(Number(locked.retry) >= 1, `Retry-After ${locked.retry}`);
      });
    }

    it("the audit trail holds logins, failures, throttling, token creation and revocation", () => {
      const types = new Set(hub.hub.core.audit.recent(10_000).map((e) => e.type));
      for (const t of [
        "login.succeeded",
        "login.failed",
        "login.throttled",
        "token.created",
        "token.revoked",
        "tokens.revoked",
      ])
        assert.ok(types.has(t), `audit has ${t}: ${[...types].join(", ")}`);
      const failed = hub.hub.core.audit.recent(10_000).find((e) => e.type === "login.failed");
      assert.ok(failed?.address, "failures name the caller's address");
      assert.ok(!JSON.stringify(hub.hub.core.audit.recent(10_000)).includes("wrong-password"));
    });

    it("many failures from one address slow every username from it", async () => {
      for (let i = 0; i < 60; i++)
        await raw("POST", "/api/corral/v1/auth/login", { username: `nobody${i}`, password: "x" });
      const got = await raw("POST", "/api/corral/v1/auth/login", { username: "someone-new", password: "x" });
      assert.equal(got.status, 429);
      assert.ok(Number(got.retry) >= 1);
    });
  });
});
