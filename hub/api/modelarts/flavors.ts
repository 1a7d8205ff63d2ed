import { allocatableGpus } from "../../core/capacity";
import type { Node, Resources } from "../../core/model";

/**
 * A ModelArts flavor (resource specification) derived from the nodes the hub knows: every
 * distinct node shape (logical cores, memory, GPU model and count) gives a whole-node flavor, and
 * smaller ones that split it evenly (GPU nodes by GPU count 1, 2, 4... ; CPU-only nodes by halving
 * cores down to 1), so several jobs can share a node. The id is made from the numbers alone
 * (`corral.cpu.8u32g`, `corral.gpu.2x-nvidia-a100.16u64g`), so it stays the same across restarts
 * and for every node of that shape.
 */
export interface MaFlavor {
  id: string;
  /** Shown as flavor_name: "GPU: 2*NVIDIA A100 | CPU: 16 cores 64GB". */
  name: string;
  /** "CPU" or "GPU" (ModelArts's flavor_type). */
  type: "CPU" | "GPU";
  cores: number;
  /** Whole GiB, as flavor ids and ModelArts show memory. */
  memoryGiB: number;
  gpu: { count: number; model: string; memoryMiB: number | null } | null;
  /** How many of these fit on the largest node of the shape family (max_num). */
  maxNum: number;
  /** CPU architecture as ModelArts names it: "x86" or "arm". */
  arch: "x86" | "arm";
}

/** What a task of `flavor` requests from the scheduler. */
export function flavorResources(flavor: MaFlavor): Resources {
  return { cpuMilli: flavor.cores * 1000, memoryMiB: flavor.memoryGiB * 1024, gpu: flavor.gpu?.count ?? 0 };
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Divisors a shape is split by: powers of two below `n`, then `n` itself. */
function splits(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < n; k *= 2) out.push(k);
  out.push(n);
  return out;
}

function makeFlavor(
  cores: number,
  memoryGiB: number,
  gpu: MaFlavor["gpu"],
  arch: MaFlavor["arch"],
  maxNum: number,
): MaFlavor {
  const shape = `${cores}u${memoryGiB}g`;
  if (!gpu) {
    return {
      id: `corral.cpu.${shape}`,
      name: `CPU: ${cores} cores ${memoryGiB}GB`,
      type: "CPU",
      cores,
      memoryGiB,
      gpu: null,
      maxNum,
      arch,
    };
  }
  return {
    id: `corral.gpu.${gpu.count}x-${slug(gpu.model)}.${shape}`,
    name: `GPU: ${gpu.count}*${gpu.model} | CPU: ${cores} cores ${memoryGiB}GB`,
    type: "GPU",
    cores,
    memoryGiB,
    gpu,
    maxNum,
    arch,
  };
}

/** The flavors of one node's shape (empty for a node that has not reported hardware). */
export function nodeFlavors(node: Node): MaFlavor[] {
  const hw = node.hardware;
  if (!hw || hw.cpu.cores <= 0) return [];
  const arch = /arm|aarch/i.test(hw.os.arch) ? "arm" : "x86";
  const cores = hw.cpu.cores;
  const memMiB = hw.memory.totalMiB;
  const gpus = allocatableGpus(node);
  if (gpus.length === 0) {
    return splits(cores)
      .map((c) => makeFlavor(c, Math.floor((memMiB * c) / cores / 1024), null, arch, Math.floor(cores / c)))
      .filter((f) => f.memoryGiB > 0);
  }
  // A node with mixed GPU models offers its most common one (ties: the first listed).
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  const model = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const memoryMiB = gpus.find((g) => g.name === model)?.memoryMiB ?? null;
  const n = gpus.length;
  return splits(n)
    .map((k) =>
      makeFlavor(
        Math.max(1, Math.floor((cores * k) / n)),
        Math.floor((memMiB * k) / n / 1024),
        { count: k, model, memoryMiB },
        arch,
        Math.floor(n / k),
      ),
    )
    .filter((f) => f.memoryGiB > 0);
}

/** A whole node's flavor: the largest split of its shape, listed last; undefined without hardware. */
export function wholeNodeFlavor(node: Node): MaFlavor | undefined {
  return nodeFlavors(node).at(-1);
}

/**
 * Every flavor the hub's nodes offer, CPU ones first, then by size; a flavor offered by several
 * shapes appears once (with the largest max_num). Nodes that are down still count: a flavor does
 * not vanish while its node reboots.
 */
export function flavorsOf(nodes: readonly Node[]): MaFlavor[] {
  const byId = new Map<string, MaFlavor>();
  for (const node of nodes) {
    for (const f of nodeFlavors(node)) {
      const seen = byId.get(f.id);
      if (!seen || seen.maxNum < f.maxNum) byId.set(f.id, f);
    }
  }
  return [...byId.values()].sort(
    (a, b) =>
      (a.gpu ? 1 : 0) - (b.gpu ? 1 : 0) ||
      (a.gpu?.count ?? 0) - (b.gpu?.count ?? 0) ||
      a.cores - b.cores ||
      a.memoryGiB - b.memoryGiB ||
      a.id.localeCompare(b.id),
  );
}

/** The flavor with `id` among the nodes' flavors, if any. */
export function findFlavor(nodes: readonly Node[], id: string): MaFlavor | undefined {
  return flavorsOf(nodes).find((f) => f.id === id);
}
