// Parsers for command-line values. Each returns canonical units (seconds, millicores, MiB) or throws a
// UsageError (exit 2) that quotes the bad value and shows a good one. Commander calls them as option
// argument parsers, so a bad value fails before any request is sent.
import { UsageError } from "./errors";
import type { PortSpec, VolumeSpec } from "./api-types";

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90m`, `24h`, `3600s`, `7d`, `1h30m` -> seconds (> 0). A bare number is refused: its unit is a guess. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  const bad = () =>
    new UsageError(
      `bad duration ${JSON.stringify(raw)}: use a number with a unit s, m, h or d (e.g. 90m, 24h)`,
    );
  if (!/^(\d+[smhd])+$/.test(text)) throw bad();
  let seconds = 0;
  for (const m of text.matchAll(/(\d+)([smhd])/g)) {
    seconds += Number(m[1]) * (DURATION_UNITS[m[2] ?? ""] ?? 0);
  }
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) throw bad();
  return seconds;
}

/** CPU as Kubernetes writes it: `500m` -> 500 millicores, `2` -> 2000, `0.5` -> 500. */
export function parseCpu(raw: string): number {
  const text = raw.trim();
  const milli = /^(\d+)m$/.exec(text);
  let value: number;
  if (milli) value = Number(milli[1]);
  else if (/^\d+(\.\d+)?$/.test(text)) value = Math.round(Number(text) * 1000 * 1000) / 1000;
  else throw new UsageError(`bad CPU ${JSON.stringify(raw)}: use cores (2, 0.5) or millicores (500m)`);
  if (!Number.isInteger(value))
    throw new UsageError(`bad CPU ${JSON.stringify(raw)}: finer than 1 millicore (1m)`);
  return value;
}

const MEMORY_UNITS: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/**
 * Memory with a binary unit: `512Mi` -> 512 MiB, `2Gi` -> 2048, `1.5Gi` -> 1536. Decimal units (M, G)
 * and bare numbers are refused, because they do not come out as whole MiB and people mean different things.
 */
export function parseMemory(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti)$/.exec(raw.trim());
  if (!m) throw new UsageError(`bad memory ${JSON.stringify(raw)}: use Mi, Gi or Ti (e.g. 512Mi, 2Gi)`);
  const value = Number(m[1]) * (MEMORY_UNITS[m[2] ?? ""] ?? 0);
  if (!Number.isInteger(value))
    throw new UsageError(`bad memory ${JSON.stringify(raw)}: not a whole number of MiB`);
  return value;
}

/** A whole number within [min, max]; `what` names it in the error (e.g. "--gpu"). */
export function parseIntIn(raw: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim()))
    throw new UsageError(`bad ${what} ${JSON.stringify(raw)}: expected a whole number`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new UsageError(`bad ${what} ${n}: must be between ${min} and ${max}`);
  return n;
}

/** `http:8080` or `dns:53/udp` -> a port spec; protocol defaults to tcp. */
export function parsePort(raw: string): PortSpec {
  const m = /^([a-z0-9][a-z0-9-]*):(\d+)(?:\/(tcp|udp))?$/i.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new UsageError(
      `bad port ${JSON.stringify(raw)}: use name:PORT[/tcp|udp] with PORT 1-65535 (e.g. http:8080)`,
    );
  }
  return { name: m[1] ?? "", containerPort: port, protocol: (m[3]?.toLowerCase() ?? "tcp") as "tcp" | "udp" };
}

/** `work:/home/work` -> a named volume mounted at an absolute path. */
export function parseVolume(raw: string): VolumeSpec {
  const m = /^([a-z0-9][a-z0-9_.-]{0,62}):(\/.+)$/.exec(raw.trim());
  if (!m) {
    throw new UsageError(
      `bad volume ${JSON.stringify(raw)}: use NAME:/absolute/path with NAME of a-z, 0-9, _ . - (e.g. work:/home/work)`,
    );
  }
  return { name: m[1] ?? "", mountPath: m[2] ?? "" };
}

/** `KEY=VALUE` (the value may itself contain `=` or be empty). */
export function parseEnvPair(raw: string): [string, string] {
  const at = raw.indexOf("=");
  const key = at < 0 ? "" : raw.slice(0, at);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new UsageError(
      `bad --env ${JSON.stringify(raw)}: use KEY=VALUE with KEY made of letters, digits and _`,
    );
  }
  return [key, raw.slice(at + 1)];
}

/** Commander option collector for repeatable options (`--env A=1 --env B=2`). */
export function collect<T>(parse: (raw: string) => T): (raw: string, previous: T[] | undefined) => T[] {
  return (raw, previous) => [...(previous ?? []), parse(raw)];
}
