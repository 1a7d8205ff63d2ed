import assert from "node:assert/strict";
import { FRESH_LOGIN_MS } from "../../../../hub/core/auth";
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from "../../../../hub/core/errors";
import type { User } from "../../../../hub/core/model";
import { newCore, type Harness } from "./harness";

const PASSWORD = "correct-horse-1";

describe("core auth: token kinds, fresh logins, throttling, audit", () => {
  let h: Harness;
  let alice: User;

  beforeEach(async () => {
    h = newCore();
    alice = await h.core.users.create({ username: "alice", password: PASSWORD });
  });
  afterEach(() => h.store.close());

  it("a refresh token is no access token and redeems once, keeping its login time", async () => {
    const login = await h.core.auth.login("alice", PASSWORD);
    const refresh = h.core.auth.issue(alice, "refresh", 3600, login.record.authAt);
    assert.throws(() => h.core.auth.authenticate(refresh.token), UnauthenticatedError);
    assert.throws(() => h.core.auth.redeemRefresh(login.token), UnauthenticatedError);
    const redeemed = h.core.auth.redeemRefresh(refresh.token);
    assert.equal(redeemed.user.id, alice.id);
    assert.equal(redeemed.authAt, login.record.authAt);
    assert.throws(() => h.core.auth.redeemRefresh(refresh.token), /revoked/);
  });

  it("an application token needs a login token at most FRESH_LOGIN_MS old", async () => {
    const login = await h.core.auth.login("alice", PASSWORD);
    const principal = h.core.auth.authenticate(login.token);
    assert.equal(h.core.auth.issueApplication(principal).record.kind, "application");
    h.clock.advance(FRESH_LOGIN_MS + 1);
    assert.throws(() => h.core.auth.issueApplication(h.core.auth.authenticate(login.token)), ForbiddenError);
    const noLogin = h.core.auth.issue(alice, "login", 60);
    assert.throws(
      () => h.core.auth.issueApplication(h.core.auth.authenticate(noLogin.token)),
      ForbiddenError,
    );
  });

  it("revokeAllTokens revokes every kind but the kept one", async () => {
    const keep = await h.core.auth.login("alice", PASSWORD);
    const app = h.core.auth.issue(alice, "application", null);
    const refresh = h.core.auth.issue(alice, "refresh", 60);
    assert.equal(h.core.auth.revokeAllTokens(alice.id, keep.record.id), 2);
    assert.throws(() => h.core.auth.authenticate(app.token), /revoked/);
    assert.throws(() => h.core.auth.redeemRefresh(refresh.token), /revoked/);
    assert.equal(h.core.auth.authenticate(keep.token).user.id, alice.id);
  });

  it("backs off exponentially after 5 failures of a user, clears on the clock and on success", async () => {
    for (let i = 0; i < 5; i++)
      await assert.rejects(
        h.core.auth.login("alice", "wrong", undefined, { address: "10.0.0.1" }),
        UnauthenticatedError,
      );
    // The 6th failure starts a 1 s wait; the 7th would be refused before checking the password.
    await assert.rejects(h.core.auth.login("alice", "wrong"), UnauthenticatedError);
    await assert.rejects(h.core.auth.login("alice", PASSWORD), (err: unknown) => {
      return err instanceof RateLimitedError && err.retryAfterSec === 1;
    });
    h.clock.advance(1_000);
    await assert.rejects(h.core.auth.login("alice", "wrong"), UnauthenticatedError);
    await assert.rejects(h.core.auth.login("alice", PASSWORD), (err: unknown) => {
      return err instanceof RateLimitedError && err.retryAfterSec === 2;
    });
    h.clock.advance(2_000);
    assert.equal((await h.core.auth.login("alice", PASSWORD)).user.id, alice.id);
    await assert.rejects(h.core.auth.login("alice", "wrong"), UnauthenticatedError);
    assert.equal((await h.core.auth.login("alice", PASSWORD)).user.id, alice.id, "a success starts over");
    const types = h.core.audit.recent(100).map((e) => e.type);
    assert.ok(
      types.includes("login.throttled") &&
        types.includes("login.failed") &&
        types.includes("login.succeeded"),
    );
    assert.equal(h.core.audit.recent(100).find((e) => e.address !== null)?.address, "10.0.0.1");
  });
});
