/**
 * Display formatting of the console: sizes in binary units (KiB, MiB, GiB...), CPU in cores,
 * times in the browser's zone with a relative "5 min ago". Pure: no DOM, so mocha tests it.
 */

const BINARY = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** `bytes` in the largest binary unit that keeps the number >= 1: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BINARY.length - 1) {
    value /= 1024;
    unit++;
  }
  const sign = bytes < 0 ? "-" : "";
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${trim(value.toFixed(digits))} ${BINARY[unit]}`;
}

/** A size given in MiB (the API's memory unit): 81920 -> "80 GiB". */
export function formatMiB(mib: number | null | undefined): string {
  if (mib === null || mib === undefined) return "—";
  return formatBytes(mib * 1024 * 1024);
}

/** Millicores as cores: 1500 -> "1.5", 16000 -> "16". */
export function formatCores(milli: number | null | undefined): string {
  if (milli === null || milli === undefined) return "—";
  return trim((milli / 1000).toFixed(milli % 1000 === 0 ? 0 : milli % 100 === 0 ? 1 : 2));
}

/** A percentage: 42.345 -> "42%"; null -> "—". */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  return `${Math.round(p)}%`;
}

const trim = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * `at` relative to `now` (both Unix ms) in words: "5 minutes ago", "in 2 hours", "now" within
 * 5 s. `locale` @default the runtime's.
 */
export function relativeTime(at: number, now: number, locale?: string): string {
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 5) return "now";
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(seconds, "second");
}

/** An ISO time as a local date and time ("2026-12-02 01:15:07" style, the zone's own order). */
export function localTime(iso: string | null | undefined, timeZone?: string, locale?: string): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "medium",
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

/** A duration in ms, short: 61_000 -> "1m 1s", 3_600_000 -> "1h 0m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
