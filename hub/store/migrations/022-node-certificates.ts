import type { Migration } from "./migration";

/**
 * Issue 13, secure transport: every node client certificate the hub CA issued, by serial. Connect
 * and Tunnel accept a certificate only while its row is unrevoked and unexpired, so revoking or
 * replacing a node takes effect at once without a CRL on the agents.
 */
export const nodeCertificates: Migration = {
  version: 22,
  name: "node-certificates",
  sql: `
    CREATE TABLE node_certificates (
      serial TEXT PRIMARY KEY,
      node_id TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      revoked_at INTEGER
    );
    CREATE INDEX node_certificates_node ON node_certificates (node_id);
  `,
};
