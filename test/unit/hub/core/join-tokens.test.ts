import assert from "node:assert/strict";
import { UnauthenticatedError, ValidationError, NotFoundError } from "../../../../hub/core/errors";
import { newCore, type Harness } from "./harness";

describe("core join tokens", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
  });

  afterEach(() => h.store.close());

  const refused = (token: string, message: string): void =>
    assert.throws(
      () => h.core.joinTokens.redeem(token),
      (err: unknown) => err instanceof UnauthenticatedError && err.message === message,
    );

  it("creates `<id>.<secret>`, keeps only the secret's hash and redeems it, recording the use", () => {
    const { token, record } = h.core.joinTokens.create({ description: "lab", cluster: "edge" });
    const [id, secret] = token.split(".");
    assert.equal(id, record.id);
    assert.ok(secret && secret.length >= 32);
    assert.ok(
      !JSON.stringify(h.store.joinTokens.byId(record.id)).includes(secret),
      "the secret is not stored",
    );
    assert.equal(record.lastUsedAt, null);
    h.clock.advance(5);
    const used = h.core.joinTokens.redeem(token);
    assert.equal(used.cluster, "edge");
    assert.equal(used.lastUsedAt, h.clock.now());
    assert.equal(h.core.joinTokens.get(record.id).lastUsedAt, h.clock.now());
    assert.equal(h.core.joinTokens.redeem(token).id, record.id, "redeemable more than once");
  });

  it("refuses a wrong secret with a right id, and tokens it never issued", () => {
    const { record } = h.core.joinTokens.create({});
    refused(`${record.id}.not-the-secret`, "unknown join token");
    refused(`${record.id}.`, "unknown join token");
    refused("no-dot-at-all", "unknown join token");
    refused(".secret-without-id", "unknown join token");
    refused("ghost-id.secret", "unknown join token");
  });

  it("expires after ttlSeconds on the clock and validates ttlSeconds", () => {
    const { token, record } = h.core.joinTokens.create({ ttlSeconds: 60 });
    assert.equal(record.expiresAt, h.clock.now() + 60_000);
    h.clock.advance(59_999);
    assert.equal(h.core.joinTokens.isValid(record), true);
    h.core.joinTokens.redeem(token);
    h.clock.advance(1);
    assert.equal(h.core.joinTokens.isValid(record), false);
    refused(token, "join token expired");
    for (const ttlSeconds of [0, -1, 1.5]) {
      assert.throws(() => h.core.joinTokens.create({ ttlSeconds }), ValidationError);
    }
  });

  it("refuses a revoked token; revoking twice keeps the first time", () => {
    const { token, record } = h.core.joinTokens.create({});
    const revoked = h.core.joinTokens.revoke(record.id);
    assert.equal(revoked.revokedAt, h.clock.now());
    h.clock.advance(1000);
    assert.equal(h.core.joinTokens.revoke(record.id).revokedAt, revoked.revokedAt);
    assert.equal(h.core.joinTokens.isValid(revoked), false);
    refused(token, "join token revoked");
    assert.throws(() => h.core.joinTokens.revoke("ghost"), NotFoundError);
  });

  it("ensureBootstrap registers an operator's token once and redeems its full text", () => {
    const text = "operator-chosen-join-token-0001";
    const first = h.core.joinTokens.ensureBootstrap(text);
    h.clock.advance(1000);
    const second = h.core.joinTokens.ensureBootstrap(text);
    assert.deepEqual(second, first);
    assert.equal(h.core.joinTokens.list().length, 1);
    assert.equal(h.core.joinTokens.redeem(text).id, first.id);
    refused(`${text}x`, "unknown join token");
    assert.notEqual(h.core.joinTokens.ensureBootstrap(`${text}-other`).id, first.id);
  });

  it("a bootstrap token whose text contains a dot still redeems", () => {
    const text = "site.a-bootstrap-token.v2";
    h.core.joinTokens.ensureBootstrap(text);
    assert.ok(h.core.joinTokens.redeem(text).id.startsWith("bootstrap-"));
  });
});
