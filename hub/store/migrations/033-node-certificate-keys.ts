import type { Migration } from "./migration";

/**
 * Issue 15, join storms: the SHA-256 of the key each node certificate certifies. A join whose
 * answer was lost (a reset under load) left the node with a live credential its agent never got;
 * the agent's retry, signed with the same key, proves it is the agent that certificate went to
 * (NodeService.join). Certificates from before this migration have none (null): they never match.
 */
export const nodeCertificateKeys: Migration = {
  version: 33,
  name: "node-certificate-keys",
  sql: `
    ALTER TABLE node_certificates ADD COLUMN key_sha256 TEXT;
  `,
};
