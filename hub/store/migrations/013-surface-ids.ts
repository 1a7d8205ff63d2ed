import type { Migration } from "./migration";

/**
 * One mechanism for surfaces' integer ids: the named sequences of migration 010 fold into the
 * surface ids of migration 009, and the integers kept in quota-unit meta move there too.
 * - Run:ai project and department ids (`meta.runai.intId`, one id space for both, as before)
 *   become key `runai/org-unit`; OTE business ids (`meta.otestack.oteId`) key `otestack/business`.
 *   Each unit keeps its integer, and the meta field is removed (the table is the only copy).
 * - Each key's counter continues past the highest value handed out: the larger of the old
 *   sequence's last value (which remembers ids of deleted units) and the highest id still held,
 *   so no id is given twice. A key already counting keeps the larger value.
 * - The `sequences` table goes.
 */
export const surfaceIdsOnly: Migration = {
  version: 13,
  name: "surface-ids",
  sql: `
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'runai/org-unit', json_extract(meta, '$.runai.intId'), id FROM quota_units
      WHERE json_extract(meta, '$.runai.intId') > 0;
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'otestack/business', json_extract(meta, '$.otestack.oteId'), id FROM quota_units
      WHERE json_extract(meta, '$.otestack.oteId') > 0;

    INSERT INTO surface_id_sequences (key, last)
      SELECT key, MAX(last) FROM (
        SELECT 'runai/org-unit' AS key, value AS last FROM sequences WHERE name = 'runai.org-unit'
        UNION ALL SELECT 'otestack/business', value FROM sequences WHERE name = 'otestack.business'
        UNION ALL SELECT key, id FROM surface_ids WHERE key IN ('runai/org-unit', 'otestack/business')
      ) GROUP BY key
      ON CONFLICT(key) DO UPDATE SET last = MAX(last, excluded.last);

    UPDATE quota_units SET meta = json_remove(meta, '$.runai.intId')
      WHERE json_extract(meta, '$.runai.intId') IS NOT NULL;
    UPDATE quota_units SET meta = json_remove(meta, '$.otestack.oteId')
      WHERE json_extract(meta, '$.otestack.oteId') IS NOT NULL;

    DROP TABLE sequences;
  `,
};
