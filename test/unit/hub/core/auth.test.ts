import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import jwt from "jsonwebtoken";
import { UnauthenticatedError, UserNotActiveError } from "../../../../hub/core/errors";
import type { User } from "../../../../hub/core/model";
import { newCore, type Harness } from "./harness";

const PASSWORD = "correct-horse-1";

describe("core auth", () => {
  let h: Harness;
  let alice: User;

  beforeEach(async () => {
    h = newCore();
    alice = await h.core.users.create({ username: "alice", password: PASSWORD });
  });

  afterEach(() => h.store.close());

  const refused = (fn: () => unknown, message: string): void =>
    assert.throws(fn, (err: unknown) => err instanceof UnauthenticatedError && err.message === message);

  it("logs in with the right password and the token authenticates as the user", async () => {
    const { token, record, user } = await h.core.auth.login("alice", PASSWORD);
    assert.equal(user.id, alice.id);
    assert.equal(record.kind, "login");
    const p = h.core.auth.authenticate(token);
    assert.equal(p.user.username, "alice");
    assert.equal(p.token.id, record.id);
  });

  it("refuses users who are not active at login and on every later use of a token", async () => {
    const bob = await h.core.users.create({ username: "bob", password: PASSWORD, status: "pending" });
    await assert.rejects(
      h.core.auth.login("bob", PASSWORD),
      (err: unknown) => err instanceof UserNotActiveError && err.status === "pending",
    );
    const active = h.core.users.setStatus(bob, "active");
    const { token } = await h.core.auth.login("bob", PASSWORD);
    const app = h.core.auth.issue(active, "application", null).token;
    assert.equal(h.core.auth.authenticate(app).user.status, "active");
    h.core.users.setStatus(active, "disabled");
    for (const t of [token, app])
      assert.throws(
        () => h.core.auth.authenticate(t),
        (err: unknown) => err instanceof UserNotActiveError && err.status === "disabled",
      );
  });

  it("refuses a wrong password and an unknown user with the same message", async () => {
    await assert.rejects(h.core.auth.login("alice", "wrong-password"), (err: unknown) => {
      return err instanceof UnauthenticatedError && err.message === "invalid username or password";
    });
    await assert.rejects(h.core.auth.login("mallory", PASSWORD), (err: unknown) => {
      return err instanceof UnauthenticatedError && err.message === "invalid username or password";
    });
  });

  it("refuses a token once its time-to-live has passed on the clock", async () => {
    const { token, record } = await h.core.auth.login("alice", PASSWORD, 60);
    assert.equal(record.expiresAt, h.clock.now() + 60_000);
    h.clock.advance(59_000);
    assert.equal(h.core.auth.authenticate(token).user.id, alice.id);
    h.clock.advance(1_000);
    refused(() => h.core.auth.authenticate(token), "token expired");
    assert.deepEqual(h.core.auth.liveTokens(alice.id), []);
  });

  it("an application token issued with no ttl never expires", () => {
    const { token, record } = h.core.auth.issue(alice, "application", null);
    assert.equal(record.expiresAt, null);
    h.clock.advance(10 * 365 * 24 * 3600 * 1000);
    assert.equal(h.core.auth.authenticate(token).token.kind, "application");
  });

  it("refuses a revoked token", async () => {
    const { token, record } = await h.core.auth.login("alice", PASSWORD);
    h.core.auth.revoke(record.id);
    refused(() => h.core.auth.authenticate(token), "token revoked");
  });

  it("revokeOtherLogins keeps the current login and application tokens", async () => {
    const old = await h.core.auth.login("alice", PASSWORD);
    const current = await h.core.auth.login("alice", PASSWORD);
    const app = h.core.auth.issue(alice, "application", null);
    assert.equal(h.core.auth.revokeOtherLogins(alice.id, current.record.id), 1);
    refused(() => h.core.auth.authenticate(old.token), "token revoked");
    assert.equal(h.core.auth.authenticate(current.token).token.id, current.record.id);
    assert.equal(h.core.auth.authenticate(app.token).token.id, app.record.id);
    assert.deepEqual(
      h.core.auth
        .liveTokens(alice.id)
        .map((t) => t.id)
        .sort(),
      [current.record.id, app.record.id].sort(),
    );
  });

  it("refuses a token signed with another key, even with a valid jti", async () => {
    const { token, record } = await h.core.auth.login("alice", PASSWORD);
    const other = newCore();
    try {
      refused(() => other.core.auth.authenticate(token), "invalid token");
    } finally {
      other.store.close();
    }
    const claims = {
      sub: alice.id,
      username: "alice",
      kind: "login",
      jti: record.id,
      iat: Math.floor(h.clock.now() / 1000),
    };
    refused(
      () => h.core.auth.authenticate(jwt.sign(claims, "not-the-hub-key", { algorithm: "HS256" })),
      "invalid token",
    );
    refused(() => h.core.auth.authenticate(`${token}x`), "invalid token");
    refused(() => h.core.auth.authenticate("garbage"), "invalid token");
  });

  it("refuses the token of a deleted user", async () => {
    const bob = await h.core.users.create({ username: "bob", password: PASSWORD });
    const { token } = h.core.auth.issue(bob, "application", null);
    h.store.users.delete(bob.id);
    assert.throws(() => h.core.auth.authenticate(token), UnauthenticatedError);
  });

  it("stores passwords as scrypt hashes only, and keeps the signing key across restarts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-auth-"));
    try {
      const first = newCore(dir);
      const secret = "plaintext-never-stored-42";
      const carol = await first.core.users.create({ username: "carol", password: secret });
      assert.match(carol.passwordHash, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]{43}$/);
      const again = await first.core.users.create({ username: "dave", password: secret });
      assert.notEqual(again.passwordHash, carol.passwordHash, "salted");
      const { token } = await first.core.auth.login("carol", secret);
      first.store.close();

      for (const f of fs.readdirSync(dir)) {
        assert.ok(!fs.readFileSync(path.join(dir, f)).includes(secret), `${f} holds the plaintext password`);
      }
      const second = newCore(dir, first.clock);
      try {
        assert.equal(second.core.auth.authenticate(token).user.username, "carol");
      } finally {
        second.store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
