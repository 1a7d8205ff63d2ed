/**
 * The per-heartbeat node sample (CPU busy %, memory in use) read straight from /proc, with the
 * same formulas systeminformation's currentLoad() and mem() use on Linux, so the hub sees the
 * same figures. Why not systeminformation: its currentLoad() runs `execSync("cat /proc/stat |
 * grep cpu")` (a shell and two processes, blocking the event loop) on every beat, and holding the
 * library only for this keeps ~2 MiB in an idle agent (issue 15, agent footprint). Other
 * platforms fall back to os.cpus() / os.freemem(), as systeminformation does there.
 */
import fs from "node:fs/promises";
import os from "node:os";

/** Cumulative CPU ticks: `busy` as systeminformation counts it, `total` = busy + idle. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal guest.
 * busy = user + nice + system + irq + steal + guest (systeminformation's totalLoad: it takes
 * os.cpus() times, which leave out iowait and softirq, and adds steal and guest; it adds those two
 * as raw ticks to times in ms, here every field is in ticks); null when the line is missing.
 */
export function parseProcStat(text: string): CpuTicks | null {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, , irq = 0, , steal = 0, guest = 0] = v;
  const busy = user + nice + system + irq + steal + guest;
  return { busy, total: busy + idle };
}

/** Ticks from os.cpus() (no steal or guest), where /proc/stat cannot be read. */
function osTicks(): CpuTicks {
  let busy = 0;
  let idle = 0;
  for (const c of os.cpus()) {
    busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
    idle += c.times.idle;
  }
  return { busy, total: busy + idle };
}

/**
 * Bytes of memory in use from /proc/meminfo: MemTotal - MemAvailable (systeminformation's
 * `active`; without MemAvailable, old kernels: MemFree + Buffers + Cached + Slab). null when
 * MemTotal is missing.
 */
export function parseMeminfoUsed(text: string): number | null {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const total = kb("MemTotal");
  if (total === 0) return null;
  const available = kb("MemAvailable") || kb("MemFree") + kb("Buffers") + kb("Cached") + kb("Slab");
  return total - available;
}

/** Calls closer together than this return the previous CPU figure (systeminformation's 200 ms). */
const MIN_CPU_WINDOW_MS = 200;

/**
 * CPU busy % since the previous call (the first call: since boot), and memory in use in bytes.
 * One instance per collector: it keeps the previous ticks.
 */
export class NodeSampler {
  private prev: CpuTicks = { busy: 0, total: 0 };
  private lastPercent = 0;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly procStat = "/proc/stat",
    private readonly procMeminfo = "/proc/meminfo",
  ) {}

  async cpuPercent(): Promise<number> {
    const now = Date.now();
    if (now - this.lastAt < MIN_CPU_WINDOW_MS) return this.lastPercent;
    this.lastAt = now;
    const ticks =
      (await readOrNull(this.procStat).then((t) => (t === null ? null : parseProcStat(t)))) ?? osTicks();
    const total = ticks.total - this.prev.total || 1;
    this.lastPercent = ((ticks.busy - this.prev.busy) / total) * 100;
    this.prev = ticks;
    return this.lastPercent;
  }

  async memoryUsedBytes(): Promise<number> {
    const text = await readOrNull(this.procMeminfo);
    return (text === null ? null : parseMeminfoUsed(text)) ?? os.totalmem() - os.freemem();
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch {
    return null;
  }
}
