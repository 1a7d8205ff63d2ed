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

/** The filters of the query (comma lists: username, vc, state, tagsContain, tagsNotContain, jobPriority; keyword). */
export function jobFilter(query: z.infer<typeof JobListQuery>): (j: Item) => boolean {
  const users = csv(query.username);
  const vcs = csv(query.vc);
  const states = csv(query.state);
  const priorities = csv(query.jobPriority);
  const tagsIn = csv(query.tagsContain);
  const tagsOut = csv(query.tagsNotContain);
  const keyword = typeof query.keyword === "string" && query.keyword !== "" ? query.keyword : null;
  return (j) =>
    (!users || users.includes(j.username)) &&
    (!vcs || vcs.includes(j.virtualCluster)) &&
    (!states || states.includes(j.state)) &&
    (!priorities || priorities.includes(j.jobPriority)) &&
    (!tagsIn || j.tags.some((t) => tagsIn.includes(t))) &&
    (!tagsOut || !j.tags.some((t) => tagsOut.includes(t))) &&
    (!keyword || [j.username, j.name, j.virtualCluster].some((s) => s.includes(keyword)));
}

const wantsTotal = (query: z.infer<typeof JobListQuery>): boolean =>
  query.withTotalCount === "true" || query.withTotalCount === true;

/**
 * Whether the query is a plain page of the default order (submissionTime or createdTime, DESC; no
 * total): then the page can be read newest first from the store and only its jobs presented
 * (pageNewestFirst). The filters read only fields a job has without its tasks.
 */
export function isNewestFirstPage(query: z.infer<typeof JobListQuery>): boolean {
  // Parsed as listJobs parses it: the field exactly, the direction in any case.
  const [field, dir = ""] = String(query.order ?? "submissionTime,DESC").split(",");
  return (
    (field === "submissionTime" || field === "createdTime") &&
    dir.toUpperCase() === "DESC" &&
    !wantsTotal(query)
  );
}

/**
 * `offset` + `limit` of `newestFirst` (workloads in the list's default order: newest first, ties
 * by id descending, as listJobs sorts them) that pass the filters; `light` presents a job without
 * its tasks (enough for the filters).
 */
export function pageNewestFirst<W>(
  newestFirst: Iterable<W>,
  light: (w: W) => Item,
  query: z.infer<typeof JobListQuery>,
): W[] {
  const keep = jobFilter(query);
  const page: W[] = [];
  let skipped = 0;
  if (query.limit === 0) return page;
  for (const w of newestFirst) {
    if (!keep(light(w))) continue;
    if (skipped < query.offset) {
      skipped++;
      continue;
    }
    page.push(w);
    if (page.length >= query.limit) break;
  }
  return page;
}

/**
 * Filters (jobFilter), `order=<field>,ASC|DESC` (default submissionTime,DESC), paging (`offset`,
 * `limit`), and `withTotalCount=true` for `{totalCount, data}`.
 */
export function listJobs(
  items: Item[],
  query: z.infer<typeof JobListQuery>,
): Item[] | { totalCount: number; data: Item[] } {
  const { offset, limit } = query;
  let out = items.filter(jobFilter(query));
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
  return wantsTotal(query) ? { totalCount: out.length, data: page } : page;
}
