import type { Migration } from "./migration";

/**
 * Issue 13, node takeover: a join token may limit the labels its nodes set themselves (JSON array of
 * patterns, NULL: any label); a node keeps the allowance of the token it joined with, and when its
 * reported hardware last changed in a way that matters (GPUs, memory total).
 */
export const nodeJoinGuard: Migration = {
  version: 15,
  name: "node-join-guard",
  sql: `
    ALTER TABLE join_tokens ADD COLUMN allowed_labels TEXT;
    ALTER TABLE nodes ADD COLUMN allowed_labels TEXT;
    ALTER TABLE nodes ADD COLUMN hardware_changed_at INTEGER;
  `,
};
