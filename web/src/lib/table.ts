/** Filtering and sorting of the console's tables: pure, so the tables' logic is tested alone. */

export type SortDir = "asc" | "desc";

export interface Sort<K extends string> {
  key: K;
  dir: SortDir;
}

/** Clicking a column: the same column flips direction, another one sorts ascending by it. */
export function nextSort<K extends string>(current: Sort<K>, key: K): Sort<K> {
  return current.key === key ? { key, dir: current.dir === "asc" ? "desc" : "asc" } : { key, dir: "asc" };
}

/** Numbers by value, text by locale with numeric parts ("node-2" < "node-10"), null last. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
}

export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: Sort<K>,
  value: (row: T, key: K) => unknown,
): T[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((x, y) => sign * compareValues(value(x, sort.key), value(y, sort.key)));
}

/** True when every word of `query` appears (case-insensitively) in one of the row's texts. */
export function matchesQuery(texts: readonly (string | null | undefined)[], query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = texts.filter(Boolean).join(" ").toLowerCase();
  return words.every((w) => hay.includes(w));
}
