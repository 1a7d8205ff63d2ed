import { invalidParameters } from "./errors";
import type { presentListItem } from "./presenters";

type Item = ReturnType<typeof presentListItem>;

/** `limit` default and maximum of GET /api/v2/jobs (docs/compat/openpai.md §5). */
export const DEFAULT_LIMIT = 5000;
export const MAX_LIMIT = 50000;

const csv = (v: unknown): string[] | null =>
  v === undefined || v === ""
    ? null
    : String(Array.isArray(v) ? v.join(",") : v)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * Filters (comma lists: username, vc, state, tagsContain, tagsNotContain, jobPriority; keyword is
 * a substring of user, job or VC name), `order=<field>,ASC|DESC` (default submissionTime,DESC),
 * paging (`offset`, `limit`), and `withTotalCount=true` for `{totalCount, data}`.
 */
export function listJobs(
  items: Item[],
  query: Record<string, unknown>,
): Item[] | { totalCount: number; data: Item[] } {
  const num = (name: string, dflt: number) => {
    const raw = query[name];
    if (raw === undefined || raw === "") return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw invalidParameters(`${name}: must be a non-negative integer`);
    return n;
  };
  const offset = num("offset", 0);
  const limit = num("limit", DEFAULT_LIMIT);
  if (limit > MAX_LIMIT) throw invalidParameters(`limit: must be at most ${MAX_LIMIT}`);
  const users = csv(query.username);
  const vcs = csv(query.vc);
  const states = csv(query.state);
  const priorities = csv(query.jobPriority);
  const tagsIn = csv(query.tagsContain);
  const tagsOut = csv(query.tagsNotContain);
  const keyword = typeof query.keyword === "string" && query.keyword !== "" ? query.keyword : null;
  let out = items.filter(
    (j) =>
      (!users || users.includes(j.username)) &&
      (!vcs || vcs.includes(j.virtualCluster)) &&
      (!states || states.includes(j.state)) &&
      (!priorities || priorities.includes(j.jobPriority)) &&
      (!tagsIn || j.tags.some((t) => tagsIn.includes(t))) &&
      (!tagsOut || !j.tags.some((t) => tagsOut.includes(t))) &&
      (!keyword || [j.username, j.name, j.virtualCluster].some((s) => s.includes(keyword))),
  );
  const [field = "submissionTime", dir = "DESC"] = String(query.order ?? "submissionTime,DESC").split(",");
  if (!/^(ASC|DESC)$/i.test(dir) || !(field in (items[0] ?? { [field]: 0 })))
    throw invalidParameters(`order: must be <field>,ASC|DESC`);
  const sign = dir.toUpperCase() === "ASC" ? 1 : -1;
  out = out.sort((a, b) => {
    const x = (a as Record<string, unknown>)[field] as string | number | null;
    const y = (b as Record<string, unknown>)[field] as string | number | null;
    if (x === y) return a.debugId < b.debugId ? -sign : sign;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
  const page = out.slice(offset, offset + limit);
  return query.withTotalCount === "true" || query.withTotalCount === true
    ? { totalCount: out.length, data: page }
    : page;
}
