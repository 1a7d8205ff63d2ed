/**
 * Run:ai's list grammar (docs/compat/runai.md §1.4): `filterBy` = comma-joined `field op value` with ops
 * == != <= >= =@ (contains) !@ (does not contain) =^ (starts with) =$ (ends with); dates take only
 * == != <= >=. `sortBy` a field of the same list, `sortOrder` asc|desc; `offset`, `limit` 1..500
 * (default 50) and `next` (the offset of the next page, present only when more items remain).
 */
import { ValidationError } from "../../core/errors";
import { nullPrototype } from "../../core/names";

/** What the list grammar reads of a presented project or department. */
export interface ListedJson {
  name: string;
  description: string;
  clusterId: string;
  parentId?: string | null;
  parent?: { name: string } | null;
  status: { phase?: string; quotaStatus: { allocated: { gpu: number } } };
  totalResources: { gpuQuota: number };
  createdAt: string;
  overtimeData: unknown;
}
type ProjectJson = ListedJson;

type Value = string | number | null;
type Op = "==" | "!=" | "<=" | ">=" | "=@" | "!@" | "=^" | "=$";

const avg = (p: ProjectJson, range: string, key: string): number =>
  (p.overtimeData as unknown as Record<string, Record<string, number> | undefined>)[range]?.[key] ?? 0;

/** Filterable / sortable fields and how to read them from a presented project. */
export const FIELDS: Record<string, (p: ProjectJson) => Value> = nullPrototype({
  name: (p) => p.name,
  clusterId: (p) => p.clusterId,
  departmentId: (p) => p.parentId ?? null,
  parentId: (p) => p.parentId ?? null,
  parentName: (p) => p.parent?.name ?? null,
  phase: (p) => p.status.phase ?? null,
  totalGpuQuota: (p) => p.totalResources.gpuQuota,
  gpuAllocated: (p) => p.status.quotaStatus.allocated.gpu,
  createdAt: (p) => p.createdAt,
});
for (const [suffix, range] of [
  ["24h", "range24hData"],
  ["7d", "range7dData"],
  ["30d", "range30dData"],
] as const) {
  FIELDS[`avgGpuAllocation${suffix}`] = (p) => avg(p, range, "averageGpuAllocation");
  FIELDS[`avgGpuUtilization${suffix}`] = (p) => avg(p, range, "averageGpuUtilization");
  FIELDS[`avgGpuMemoryUtilization${suffix}`] = (p) => avg(p, range, "averageGpuMemoryUtilization");
}
const DATE_FIELDS = new Set(["createdAt"]);
const NUMERIC = /^(totalGpuQuota|gpuAllocated|avgGpu.*)$/;

export interface Filter {
  field: string;
  op: Op;
  value: string;
}

/** The filters of filterBy values (each `<field><op><value>`). */
export function parseFilters(raw: readonly string[]): Filter[] {
  const fields = Object.keys(FIELDS).join("|");
  const re = new RegExp(`^(${fields})(==|!=|<=|>=|=@|!@|=\\^|=\\$)(.+)$`);
  return raw.map((f) => {
    const m = re.exec(f);
    if (!m)
      throw new ValidationError(
        "filterBy",
        `"${f}" is not <field><op><value> with a known field and ==, !=, <=, >=, =@, !@, =^ or =$`,
      );
    const [, field, op, value] = m as unknown as [string, string, Op, string];
    if (DATE_FIELDS.has(field)) {
      if (!["==", "!=", "<=", ">="].includes(op))
        throw new ValidationError("filterBy", `dates take only ==, !=, <= or >= (${f})`);
      if (Number.isNaN(Date.parse(value)))
        throw new ValidationError("filterBy", `${value} is not an ISO-8601 date`);
    }
    return { field, op, value };
  });
}

function compare(a: Value, b: string, field: string): number {
  if (a === null) return -1;
  if (DATE_FIELDS.has(field)) return Date.parse(String(a)) - Date.parse(b);
  if (NUMERIC.test(field) || (typeof a === "number" && !Number.isNaN(Number(b))))
    return Number(a) - Number(b);
  return String(a).localeCompare(b);
}

function matches(p: ProjectJson, f: Filter): boolean {
  const v = (FIELDS[f.field] as (p: ProjectJson) => Value)(p);
  const s = v === null ? "" : String(v);
  switch (f.op) {
    case "==":
      return compare(v, f.value, f.field) === 0;
    case "!=":
      return compare(v, f.value, f.field) !== 0;
    case "<=":
      return compare(v, f.value, f.field) <= 0;
    case ">=":
      return compare(v, f.value, f.field) >= 0;
    case "=@":
      return s.includes(f.value);
    case "!@":
      return !s.includes(f.value);
    case "=^":
      return s.startsWith(f.value);
    case "=$":
      return s.endsWith(f.value);
  }
}

/** Filters and searches (for list and count). */
export function filter<T extends ProjectJson>(
  items: T[],
  q: { filterBy: Filter[]; search?: string | undefined },
): T[] {
  const search = q.search?.toLowerCase() ?? "";
  return items.filter(
    (p) =>
      q.filterBy.every((f) => matches(p, f)) &&
      (!search || p.name.toLowerCase().includes(search) || p.description.toLowerCase().includes(search)),
  );
}

/** Sorts and pages; `next` only when more items remain. */
export function page<T extends ProjectJson>(
  items: T[],
  q: { sortBy?: string | undefined; sortOrder?: "asc" | "desc" | undefined; offset: number; limit: number },
): { items: T[]; next?: number } {
  const { offset, limit } = q;
  const get = q.sortBy === undefined ? undefined : FIELDS[q.sortBy];
  if (get) {
    const dir = q.sortOrder === "desc" ? -1 : 1;
    items = [...items].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c =
        typeof x === "number" && typeof y === "number"
          ? x - y
          : String(x ?? "").localeCompare(String(y ?? ""));
      return dir * c;
    });
  }
  const slice = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { items: slice, next: offset + limit } : { items: slice };
}
