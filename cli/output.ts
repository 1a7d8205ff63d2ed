// Output for people and for scripts. Tables and key/value blocks go to stdout; `--json` prints the
// hub's JSON untouched so scripts see exactly the API. Progress and prompts go to stderr (see context.ts).

/** Something to write text to: process.stdout in real use, a buffer in tests. */
export interface TextSink {
  write(chunk: string): unknown;
}

/** The API's JSON, pretty-printed, one value per command. */
export function printJson(out: TextSink, value: unknown): void {
  out.write(JSON.stringify(value, null, 2) + "\n");
}

/** Columns padded to the widest cell, two spaces apart, no trailing blanks. Empty cells print `-`. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [
    headers,
    ...rows.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === "" ? "-" : r[i]))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : (c ?? "").padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/** `Key:   value` lines, keys aligned. Pairs whose value is undefined are skipped. */
export function formatKeyValues(pairs: readonly (readonly [string, string | undefined])[]): string {
  const shown = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${(k + ":").padEnd(width)}  ${v}`.trimEnd()).join("\n") + "\n";
}

/** MiB -> `512Mi`, `2Gi`, `62.5Gi`, `1.2Ti` (one decimal at most). */
export function formatMiB(mib: number | null | undefined): string {
  if (mib === null || mib === undefined) return "-";
  if (mib < 1024) return `${trim1(mib)}Mi`;
  if (mib < 1024 * 1024) return `${trim1(mib / 1024)}Gi`;
  return `${trim1(mib / (1024 * 1024))}Ti`;
}

/** Millicores -> `500m`, `2`, `1.5` (cores from 1 up when whole or a tenth, else millicores). */
export function formatCpu(milli: number | null | undefined): string {
  if (milli === null || milli === undefined) return "-";
  if (milli === 0 || (milli >= 1000 && milli % 100 === 0)) return trim1(milli / 1000);
  return `${milli}m`;
}

/** Age of an ISO time relative to `now`: `45s`, `12m`, `3h`, `9d`. */
export function formatAge(iso: string | null | undefined, now: Date): string {
  if (!iso) return "-";
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return "-";
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** ISO time plus its age, for detail views: `2026-11-23T17:00:00.000Z (5m ago)`. */
export function formatTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return "-";
  return `${iso} (${formatAge(iso, now)} ago)`;
}

/** First 8 characters: enough to be unique in practice, and accepted back as a prefix. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function formatLabels(labels: readonly string[] | null | undefined): string {
  return labels && labels.length > 0 ? labels.join(",") : "-";
}

function trim1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
