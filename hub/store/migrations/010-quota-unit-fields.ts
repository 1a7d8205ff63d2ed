import type { Migration } from "./migration";

/**
 * Quota units get typed columns for what the scheduler and every surface read (ordered default
 * node pools as pool ids, a numeric rank per pool, aliases), moved out of `meta.runai`; and named
 * integer sequences, seeded from the ids handed out so far (Run:ai project / department ids,
 * OTE business ids), so those ids keep growing from where they were.
 *
 * Ranks were Run:ai names; they become numbers around MediumLow = 0 (unknown names: 0). Default
 * node pools were pool names or ids; names become ids, unknown entries are kept as written (the
 * scheduler skips pools it does not know, as before).
 */
export const quotaUnitFields: Migration = {
  version: 10,
  name: "quota-unit-fields",
  sql: `
    ALTER TABLE quota_units ADD COLUMN default_node_pools TEXT;
    ALTER TABLE quota_units ADD COLUMN ranks TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE quota_units ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';

    UPDATE quota_units SET default_node_pools = (
      SELECT json_group_array(COALESCE(p.id, j.value))
      FROM (SELECT key, value FROM json_each(quota_units.meta, '$.runai.defaultNodePools') ORDER BY key) j
      LEFT JOIN node_pools p ON p.name = j.value OR p.id = j.value
    )
    WHERE json_type(meta, '$.runai.defaultNodePools') = 'array'
      AND json_array_length(meta, '$.runai.defaultNodePools') > 0;

    UPDATE quota_units SET ranks = (
      SELECT json_group_object(key, CASE value
        WHEN 'VeryLow' THEN -2 WHEN 'Low' THEN -1 WHEN 'MediumLow' THEN 0 WHEN 'Medium' THEN 1
        WHEN 'MediumHigh' THEN 2 WHEN 'High' THEN 3 WHEN 'VeryHigh' THEN 4 ELSE 0 END)
      FROM json_each(quota_units.meta, '$.runai.ranks')
    )
    WHERE json_type(meta, '$.runai.ranks') = 'object';

    UPDATE quota_units SET meta = json_remove(meta, '$.runai.defaultNodePools', '$.runai.ranks')
    WHERE json_type(meta, '$.runai') = 'object';

    CREATE TABLE sequences (
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    );
    INSERT INTO sequences (name, value)
      SELECT 'runai.org-unit', m FROM (SELECT MAX(json_extract(meta, '$.runai.intId')) AS m FROM quota_units)
      WHERE m IS NOT NULL;
    INSERT INTO sequences (name, value)
      SELECT 'otestack.business', CAST(value AS INTEGER) - 1 FROM settings
      WHERE key = 'otestack_next_business_id';
  `,
};
