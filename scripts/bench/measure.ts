/** Small measurement helpers for the benchmarks: percentiles, CPU%, loopback TCP connection counts. */
import fs from "node:fs";

/** Nearest-rank percentile (p in 0..100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** CPU time `cpuMicros` spent over `wallMs` as percent of one core (100 = one core busy). */
export function cpuPercent(cpuMicros: number, wallMs: number): number {
  return wallMs > 0 ? (cpuMicros / 1000 / wallMs) * 100 : Number.NaN;
}

/**
 * ESTABLISHED TCP connections whose local port is `port`, from /proc/net/tcp{,6} (Linux): the
 * connections the hub holds on its gRPC port. null where /proc cannot be read.
 */
export function establishedOnPort(port: number): number | null {
  let n = 0;
  let read = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    read = true;
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // cols[3] is the state; 01 = ESTABLISHED. The local address ends in :PORT (hex).
      if (local && cols[3] === "01" && parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) n++;
    }
  }
  return read ? n : null;
}
