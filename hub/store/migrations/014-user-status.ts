import type { Migration } from "./migration";

/**
 * User status becomes a core fact checked by core.auth on every surface: a `status` column, moved
 * out of OTE's `extension.otestack.status` (0 pending review -> pending, 1 approved -> active,
 * 2 not approved -> rejected, 3 forbidden -> disabled). Users without an OTE status are active.
 * The extension field is removed (the column is the only copy).
 */
export const userStatus: Migration = {
  version: 14,
  name: "user-status",
  sql: `
    ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
      CHECK (status IN ('active', 'pending', 'rejected', 'disabled'));
    UPDATE users SET status = CASE json_extract(extension, '$.otestack.status')
        WHEN 0 THEN 'pending' WHEN 2 THEN 'rejected' WHEN 3 THEN 'disabled' ELSE 'active' END,
      extension = json_remove(extension, '$.otestack.status')
      WHERE json_extract(extension, '$.otestack.status') IS NOT NULL;
  `,
};
