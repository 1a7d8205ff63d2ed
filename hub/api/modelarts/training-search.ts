import { ValidationError } from "../../core/errors";
import type { SearchBody } from "./training-schemas";

/** One job's searchable fields (strings; times epoch ms as numbers). */
export interface SearchRow {
  id: string;
  name: string;
  description: string;
  user_name: string;
  workspace_id: string;
  phase: string;
  secondary_phase: string;
  flavor_id: string;
  create_time: number;
  duration: number;
  tags: { key: string; value: string }[];
}

/** Keys a filter or group_by may name. */
const KEYS = new Set([
  "id",
  "name",
  "description",
  "user_name",
  "workspace_id",
  "phase",
  "secondary_phase",
  "flavor_id",
  "create_time",
  "duration",
]);
const NUMERIC = new Set(["create_time", "duration"]);

function value(row: SearchRow, key: string): string | number {
  return row[key as keyof Omit<SearchRow, "tags">];
}

/**
 * POST /training-job-searches: `filters` (all must hold) with operators `in` (one of the values),
 * `not` (none of them), `like` (contains the first value, case-insensitive) and `between` (two
 * numbers, inclusive, for create_time and duration); `tags` (a tag key with one of the values, or
 * any value when none is given); `workspace_id`; then `group_by` (rows of one value together),
 * `sort_by`/`order`, and `offset`/`limit` paging over the result.
 */
export function searchJobs(rows: readonly SearchRow[], q: SearchBody): { total: number; items: SearchRow[] } {
  for (const [i, f] of q.filters.entries()) {
    if (!KEYS.has(f.key)) throw new ValidationError(`filters.${i}.key`, `unknown key ${f.key}`);
    if (
      f.operator === "between" &&
      (!NUMERIC.has(f.key) || f.value.length !== 2 || f.value.some((v) => !Number.isFinite(Number(v))))
    )
      throw new ValidationError(
        `filters.${i}.value`,
        "between takes two numbers, on create_time or duration",
      );
    if (f.operator === "like" && f.value.length === 0)
      throw new ValidationError(`filters.${i}.value`, "like takes a value");
  }
  if (q.group_by !== undefined && !KEYS.has(q.group_by))
    throw new ValidationError("group_by", `unknown key ${q.group_by}`);
  const matches = rows.filter((row) => {
    if (q.workspace_id !== undefined && row.workspace_id !== q.workspace_id) return false;
    for (const f of q.filters) {
      const v = value(row, f.key);
      switch (f.operator) {
        case "in":
          if (!f.value.includes(String(v))) return false;
          break;
        case "not":
          if (f.value.includes(String(v))) return false;
          break;
        case "like":
          if (!String(v).toLowerCase().includes(f.value[0]!.toLowerCase())) return false;
          break;
        case "between": {
          const [lo, hi] = f.value.map(Number) as [number, number];
          if (Number(v) < lo || Number(v) > hi) return false;
          break;
        }
      }
    }
    return q.tags.every((tag) =>
      row.tags.some((t) => t.key === tag.key && (tag.values.length === 0 || tag.values.includes(t.value))),
    );
  });
  const sortKey = q.sort_by === "status" ? "phase" : q.sort_by;
  const cmp = (a: string | number, b: string | number) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  const dir = q.order === "asc" ? 1 : -1;
  matches.sort(
    (a, b) =>
      (q.group_by ? cmp(value(a, q.group_by), value(b, q.group_by)) : 0) ||
      dir * cmp(value(a, sortKey), value(b, sortKey)) ||
      a.id.localeCompare(b.id),
  );
  return { total: matches.length, items: matches.slice(q.offset, q.offset + q.limit) };
}
