import type { NodeCertificate } from "../core/model";
import type { NodeCertificateRepository } from "../core/repositories";
import type { Db } from "./database";

interface NodeCertificateRow {
  serial: string;
  node_id: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  key_sha256: string | null;
}

const toCertificate = (r: NodeCertificateRow): NodeCertificate => ({
  serial: r.serial,
  nodeId: r.node_id,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  keySha256: r.key_sha256,
});

export function nodeCertificateRepository(db: Db): NodeCertificateRepository {
  const insert = db.prepare(
    `INSERT INTO node_certificates (serial, node_id, issued_at, expires_at, revoked_at, key_sha256)
     VALUES (@serial, @nodeId, @issuedAt, @expiresAt, @revokedAt, @keySha256)`,
  );
  // By the node_certificates_node index: a node has a handful of rows.
  const liveWithKey = db.prepare(
    `SELECT 1 FROM node_certificates
     WHERE node_id = ? AND key_sha256 = ? AND revoked_at IS NULL AND expires_at > ? LIMIT 1`,
  );
  const bySerial = db.prepare("SELECT * FROM node_certificates WHERE serial = ?");
  const revoke = db.prepare(
    `UPDATE node_certificates SET revoked_at = @at
     WHERE node_id = @nodeId AND revoked_at IS NULL AND serial <> @keep`,
  );
  return {
    insert: (c) => void insert.run(c),
    bySerial: (serial) => {
      const r = bySerial.get(serial) as NodeCertificateRow | undefined;
      return r && toCertificate(r);
    },
    revokeForNode: (nodeId, at, keepSerial) => revoke.run({ nodeId, at, keep: keepSerial ?? "" }).changes,
    liveWithKey: (nodeId, keySha256, now) => liveWithKey.get(nodeId, keySha256, now) !== undefined,
  };
}
