import assert from "node:assert/strict";
import { UnauthenticatedError } from "../../../../hub/core/errors";
import { JoinTokenService } from "../../../../hub/core/join-tokens";
import { formatJoinToken } from "../../../../lib/pki/join-token";
import { newCore, type Harness } from "./harness";

describe("core node certificates (issue 13)", () => {
  let h: Harness;

  beforeEach(() => {
    h = newCore();
  });

  afterEach(() => h.store.close());

  const refused = (nodeId: string, serial: string, message: string): void =>
    assert.throws(
      () => h.core.nodeCertificates.check(nodeId, serial),
      (err: unknown) => err instanceof UnauthenticatedError && err.message === message,
    );

  it("accepts a recorded serial for its node until it expires, by the core clock", () => {
    const { node } = h.core.nodes.join("default", "n1");
    h.core.nodeCertificates.record(node.id, "aa01", h.clock.now() + 1_000, true, "k-aa01");
    h.core.nodeCertificates.check(node.id, "AA01");
    refused("someone-else", "aa01", "unknown node certificate");
    refused(node.id, "bb02", "unknown node certificate");
    h.clock.advance(1_000);
    refused(node.id, "aa01", "node certificate expired");
  });

  it("a join revokes the node's earlier certificates, a renewal keeps them, a replace revokes all", () => {
    const { node } = h.core.nodes.join("default", "n1");
    const later = h.clock.now() + 60_000;
    h.core.nodeCertificates.record(node.id, "aa01", later, true, "k-aa01");
    h.core.nodeCertificates.record(node.id, "aa02", later, false, "k-aa02"); // renewal
    h.core.nodeCertificates.check(node.id, "aa01");
    h.core.nodeCertificates.record(node.id, "aa03", later, true, "k-aa03"); // rejoin
    refused(node.id, "aa01", "node certificate revoked");
    refused(node.id, "aa02", "node certificate revoked");
    h.core.nodeCertificates.check(node.id, "aa03");
    h.core.nodes.replace(h.core.nodes.byId(node.id));
    refused(node.id, "aa03", "node certificate revoked");
  });

  it("a rejoin without the credential is refused unless signed with the key of the node's live certificate", () => {
    const { node, credential } = h.core.nodes.join("default", "n1", { keySha256: "key-1" });
    h.core.nodeCertificates.record(node.id, "aa01", h.clock.now() + 60_000, true, "key-1");
    // The same agent again (its first answer lost): same key, no credential. It gets a new one.
    const retried = h.core.nodes.join("default", "n1", { keySha256: "key-1" });
    assert.equal(retried.node.id, node.id);
    assert.notEqual(retried.credential, credential);
    assert.throws(
      () => h.core.nodes.authenticate(credential),
      UnauthenticatedError,
      "the lost credential is void",
    );
    // Anyone else with a join token: another key, or none.
    assert.throws(
      () => h.core.nodes.join("default", "n1", { keySha256: "key-2" }),
      /already has a live credential/,
    );
    assert.throws(() => h.core.nodes.join("default", "n1"), /already has a live credential/);
    // The key counts only while its certificate is live: not once revoked or expired.
    h.core.nodeCertificates.revokeNode(node.id);
    assert.throws(
      () => h.core.nodes.join("default", "n1", { keySha256: "key-1" }),
      /already has a live credential/,
    );
    h.core.nodeCertificates.record(node.id, "aa02", h.clock.now() + 1_000, true, "key-3");
    h.clock.advance(1_000);
    assert.throws(
      () => h.core.nodes.join("default", "n1", { keySha256: "key-3" }),
      /already has a live credential/,
    );
  });

  it("join tokens carry the hub CA fingerprint; a token for another CA is refused", () => {
    const fp = "a".repeat(64);
    const tokens = new JoinTokenService(h.store, h.clock, fp);
    const { token, record } = tokens.create({});
    assert.match(token, new RegExp(`^K10${fp}::${record.id}\\.`));
    assert.equal(tokens.redeem(token).id, record.id);
    assert.equal(tokens.redeem(token.split("::")[1] as string).id, record.id, "the bare form too");
    assert.throws(
      () => tokens.redeem(formatJoinToken("b".repeat(64), token.split("::")[1] as string)),
      /another hub CA/,
    );
  });
});
