/**
 * Reading what the engine returns for logs and stats: Docker's multiplexed log frames and the
 * CPU / memory arithmetic of `docker stats`.
 */
import type Dockerode from "dockerode";

/** 1 MiB in bytes. */
const MIB = 1024 * 1024;

/**
 * Joins the payloads of Docker's multiplexed stream (containers without a TTY): each frame is an
 * 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr), 3 zero bytes, payload length
 * (uint32 big-endian) — then the payload. Frames stay in engine order, so stdout and stderr come
 * out interleaved as stored. Input that is not framed (a TTY container) is returned as text.
 */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (offset + 8 > buf.length) return buf.toString("utf8");
    const stream = buf[offset];
    const size = buf.readUInt32BE(offset + 4);
    const framed =
      (stream === 0 || stream === 1 || stream === 2) &&
      buf[offset + 1] === 0 &&
      buf[offset + 2] === 0 &&
      buf[offset + 3] === 0 &&
      offset + 8 + size <= buf.length;
    if (!framed) return buf.toString("utf8");
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

/** Usage from one `stats` sample, computed like the docker CLI does. */
export function statsUsage(s: Dockerode.ContainerStats): { cpuPercent: number; memoryUsedMiB: number } {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  // Page cache is reclaimable, so the CLI leaves it out: cgroup v2 "inactive_file", v1 "cache".
  const memStats = (s.memory_stats.stats ?? {}) as unknown as Record<string, number | undefined>;
  const cache = memStats["inactive_file"] ?? memStats["total_inactive_file"] ?? memStats["cache"] ?? 0;
  const used = Math.max(0, (s.memory_stats.usage ?? 0) - cache);
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryUsedMiB: Math.round((used / MIB) * 100) / 100,
  };
}
