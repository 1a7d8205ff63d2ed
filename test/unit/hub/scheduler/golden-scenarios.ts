/**
 * Seeded random scheduler inputs for the golden tests (golden.test.ts): each seed gives one
 * hand-buildable state (pools, nodes in clusters with labels, cordoned / not-ready / runtime-less
 * nodes, GPU and CPU-only nodes, quota units with departments, limits, weights, default pools and
 * ranks, running work some of it being preempted, pending singles and gangs with selectors, pinned
 * nodes and pools). The same seed always gives the same state, so the planner's output for it can
 * be recorded once and compared after every change. Changing this file changes every scenario:
 * regenerate the fixtures (GOLDEN_UPDATE=1) only together with a planner you trust.
 */
import type {
  FairNode,
  FairPending,
  FairSnapshot,
  FairUnit,
  Quota,
  RunningTask,
} from "../../../../hub/scheduler/fair-snapshot";
import type { NodeView, PendingTask } from "../../../../hub/scheduler/snapshot";

/** mulberry32: a small, well-mixed 32-bit generator; deterministic across platforms. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  subset<T>(xs: readonly T[], p: number): T[] {
    return xs.filter(() => this.chance(p));
  }
}

const LABELS = ["gpu=a100", "ssd", "zone=a", "zone=b"];
const CLUSTERS = ["c1", "c2"];

interface NodeShape {
  id: string;
  name: string;
  clusterId: string;
  labels: string[];
  ready: boolean;
  schedulable: boolean;
  runtimeAvailable: boolean;
  capacity: { cpuMilli: number; memoryMiB: number };
  gpus: string[];
}

function nodes(d: Dice, count: number): NodeShape[] {
  return Array.from({ length: count }, (_, i) => {
    const gpuCount = d.pick([0, 0, 1, 2, 4, 8]);
    // Names out of id order, some equal in score, so the name tie-break matters.
    const name = `n${String((i * 7) % count).padStart(2, "0")}-${d.pick(["x", "y"])}`;
    return {
      id: `node-${i}`,
      name,
      clusterId: d.chance(0.8) ? "c1" : "c2",
      labels: d.subset(LABELS, 0.35),
      ready: d.chance(0.88),
      schedulable: d.chance(0.88),
      runtimeAvailable: d.chance(0.93),
      capacity: { cpuMilli: d.pick([2000, 4000, 8000, 16000]), memoryMiB: d.pick([4096, 8192, 32768]) },
      gpus: Array.from({ length: gpuCount }, (_, g) => (d.chance(0.15) ? `MIG-${i}-${g}` : `GPU-${i}-${g}`)),
    };
  });
}

function request(d: Dice): { cpuMilli: number; memoryMiB: number; gpu: number } {
  const gpuTask = d.chance(0.4);
  return {
    cpuMilli: d.pick([100, 250, 500, 1000, 2000, 4000, 9000]),
    memoryMiB: d.pick([128, 512, 1024, 4096, 16384]),
    gpu: gpuTask ? d.pick([1, 1, 2, 4, 8]) : 0,
  };
}

function pendingTasks(d: Dice, count: number, ns: readonly NodeShape[]): PendingTask[] {
  const out: PendingTask[] = [];
  let w = 0;
  while (out.length < count) {
    w++;
    const gangSize = d.chance(0.2) ? d.int(2, 4) : 1;
    const r = request(d);
    const clusterId = d.chance(0.3) ? d.pick(CLUSTERS) : null;
    const nodeSelector = d.chance(0.25) ? d.subset(LABELS, 0.4) : [];
    const nodeId = gangSize === 1 && d.chance(0.06) ? (d.chance(0.8) ? d.pick(ns).id : "node-gone") : null;
    for (let k = 0; k < gangSize; k++) {
      out.push({
        taskId: `t${String(out.length).padStart(3, "0")}`,
        workloadId: `w${w}`,
        gang: gangSize > 1 ? `w${w}` : null,
        clusterId,
        nodeSelector,
        nodeId,
        ...r,
      });
    }
  }
  return out;
}

/** Input for place(): nodes with some use already, and pending work. */
export function placeScenario(seed: number): { nodes: NodeView[]; pending: PendingTask[] } {
  const d = new Dice(rng(seed));
  const ns = nodes(d, d.int(1, 10));
  const views: NodeView[] = ns.map((n) => {
    const usedGpus = n.gpus.filter(() => d.chance(0.3));
    return {
      ...n,
      used: {
        cpuMilli: Math.floor(n.capacity.cpuMilli * d.pick([0, 0, 0.25, 0.5, 0.9])),
        memoryMiB: Math.floor(n.capacity.memoryMiB * d.pick([0, 0, 0.5, 0.95])),
        gpus: new Set(usedGpus),
      },
    };
  });
  return { nodes: views, pending: pendingTasks(d, d.int(1, 30), ns) };
}

function quota(d: Dice, poolCap: number): Quota {
  return {
    deserved: d.pick([0, 0, 1, 2, 4, poolCap]),
    limit: d.chance(0.3) ? d.pick([0, 2, 4, 8]) : null,
    overQuotaWeight: d.pick([0, 1, 1, 2, 3]),
  };
}

/**
 * Input for planFairShare(): pools, quota units, running and pending work. `big`: tens of nodes and
 * hundreds of tasks of few shapes, where identical tasks follow each other.
 */
export function fairScenario(seed: number, big = false): FairSnapshot {
  const d = new Dice(rng(big ? 1_000_000 + seed : seed));
  const poolCount = d.int(1, 3);
  const pools = [
    { id: "pool-default", name: "default" },
    { id: "pool-a", name: "a" },
    { id: "pool-b", name: "b" },
  ].slice(0, poolCount);
  const ns = nodes(d, big ? d.int(20, 60) : d.int(1, 12));
  const poolOf = new Map(ns.map((n) => [n.id, d.pick(pools).id]));

  const units: FairUnit[] = [];
  const departments = d.chance(0.4) ? d.int(1, 2) : 0;
  for (let i = 0; i < departments; i++) units.push(unit(d, `dept-${i}`, "department", null, pools));
  const projects = d.int(0, 4);
  for (let i = 0; i < projects; i++) {
    const parent = departments > 0 && d.chance(0.7) ? `dept-${d.int(0, departments - 1)}` : null;
    units.push(unit(d, `proj-${i}`, d.chance(0.8) ? "project" : "virtual-cluster", parent, pools));
  }
  const leaves = units.filter((u) => u.id.startsWith("proj-")).map((u) => u.id);
  const unitOf = (): string | null => (leaves.length > 0 && d.chance(0.85) ? d.pick(leaves) : null);

  // Running work, placed where it fits; what it holds becomes the nodes' use.
  const held = new Map(ns.map((n) => [n.id, { cpuMilli: 0, memoryMiB: 0, gpus: [] as string[] }]));
  const running: RunningTask[] = [];
  const runCount = big ? d.int(20, 120) : d.int(0, 30);
  for (let i = 0; i < runCount; i++) {
    const n = d.pick(ns);
    const h = held.get(n.id);
    if (!h) continue;
    const r = request(d);
    const free = n.gpus.filter((g) => !h.gpus.includes(g));
    if (h.cpuMilli + r.cpuMilli > n.capacity.cpuMilli || h.memoryMiB + r.memoryMiB > n.capacity.memoryMiB)
      continue;
    if (free.length < r.gpu) continue;
    const gpuUuids = free.slice(0, r.gpu);
    h.cpuMilli += r.cpuMilli;
    h.memoryMiB += r.memoryMiB;
    h.gpus.push(...gpuUuids);
    running.push({
      taskId: `r${String(i).padStart(2, "0")}`,
      workloadId: `rw${i}`,
      unitId: unitOf(),
      poolId: poolOf.get(n.id) ?? "",
      nodeId: n.id,
      request: { gpu: r.gpu, cpuMilli: r.cpuMilli, memoryMiB: r.memoryMiB },
      gpuUuids,
      priority: d.pick([50, 75, 100]),
      preemptible: d.chance(0.8),
      startedAt: d.int(0, 1000),
      preempting: d.chance(0.1),
    });
  }
  const fairNodes: FairNode[] = ns.map((n) => {
    const h = held.get(n.id) ?? { cpuMilli: 0, memoryMiB: 0, gpus: [] };
    return { ...n, poolId: poolOf.get(n.id) ?? "", used: { ...h, gpus: new Set(h.gpus) } };
  });

  const pending: FairPending[] = [];
  const perWorkload = new Map<
    string,
    { unitId: string | null; poolId: string | null; priority: number; preemptible: boolean }
  >();
  for (const t of pendingTasks(d, big ? d.int(100, 300) : d.int(1, 40), ns)) {
    let w = perWorkload.get(t.workloadId);
    if (!w) {
      w = {
        unitId: unitOf(),
        poolId: d.chance(0.2) ? d.pick(pools).id : null,
        priority: d.pick([50, 75, 100, 125]),
        preemptible: d.chance(0.6),
      };
      perWorkload.set(t.workloadId, w);
    }
    pending.push({ ...t, ...w });
  }
  return { pools, nodes: fairNodes, units, running, pending };
}

function unit(
  d: Dice,
  id: string,
  kind: string,
  parentId: string | null,
  pools: readonly { id: string; name: string }[],
): FairUnit {
  const quotas = new Map<string, Record<"gpu" | "cpuMilli" | "memoryMiB", Quota>>();
  for (const p of pools) {
    if (!d.chance(0.7)) continue;
    quotas.set(p.id, {
      gpu: quota(d, 8),
      cpuMilli: {
        ...quota(d, 8),
        deserved: d.pick([0, 1000, 4000, 16000]),
        limit: d.chance(0.2) ? 8000 : null,
      },
      memoryMiB: { deserved: d.pick([0, 8192]), limit: null, overQuotaWeight: 1 },
    });
  }
  const defaultPools = d.chance(0.3)
    ? d.subset(pools, 0.6).map((p) => p.id)
    : d.chance(0.1)
      ? ["pool-missing"]
      : null;
  const ranks = new Map(pools.filter(() => d.chance(0.3)).map((p) => [p.id, d.pick([-1, 0, 1, 2])]));
  return { id, name: id, kind, parentId, quotas, defaultPools, ranks };
}
