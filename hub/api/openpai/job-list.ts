import { z } from "zod";
import { invalidParameters } from "./errors";
import type { presentListItem } from "./presenters";

type Item = ReturnType<typeof presentListItem>;

/** `limit` default and maximum of GET /api/v2/jobs (docs/compat/openpai.md §5). */
export const DEFAULT_LIMIT = 5000;
export const MAX_LIMIT = 50000;

/** A count in the query: absent or empty is `dflt`; anything but a non-negative integer is refused. */
const count = (dflt: number) =>
  z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return dflt;
      const n = Number(v);
      if (Number.isInteger(n) && n >= 0) return n;
      ctx.addIssue({ code: "custom", message: "must be a non-negative integer" });
      return z.NEVER;
    });

/** Paging of GET /api/v2/jobs (the filters stay free-form: unknown ones are ignored, as upstream). */
export const JobListQuery = z.looseObject({
  offset: count(0),
  limit: count(DEFAULT_LIMIT).refine((n) => n <= MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
});

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
  query: z.infer<typeof JobListQuery>,
): Item[] | { totalCount: number; data: Item[] } {
  const { offset, limit } = query;
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
  // Own fields only: `__proto__` or `constructor` must not reach a prototype.
  if (
    !/^(ASC|DESC)$/i.test(dir) ||
    field in Object.prototype ||
    (items[0] !== undefined && !Object.hasOwn(items[0], field))
  )
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
