import type { Core } from "../../core";
import { allocatableGpus, nodeCapacity } from "../../core/capacity";
import type { Node, Resources } from "../../core/model";

/** A notebook flavor (SDK NotebookFlavor): a slice of a node shape present in the inventory. */
export interface NotebookFlavor {
  id: string;
  name: string;
  arch: string;
  category: "CPU" | "GPU";
  description: string;
  feature: "NOTEBOOK";
  free: boolean;
  /** vCPUs. */
  vcpus: number;
  /** GiB, as ModelArts shows notebook memory. */
  memory: number;
  gpu?: { gpu: number; gpu_memory: string; type: string };
  sold_out: boolean;
  storages: string[];
  /** What a notebook of this flavor asks the scheduler for (not shown). */
  resources: Resources;
}

/** CPU slices offered, vCPUs each with 4 GiB per vCPU (ModelArts's general-purpose ratio). */
const CPU_LADDER = [1, 2, 4, 8, 16, 32, 64];
const GIB_PER_VCPU = 4;

const archOf = (n: Node): string => {
  const a = n.hardware?.os.arch ?? "x64";
  return a === "arm64" || a === "aarch64" ? "aarch64" : "x86_64";
};

const slug = (model: string): string =>
  model
    .toLowerCase()
    .replace(/nvidia|geforce|tesla/g, "")
    .replace(/[^a-z0-9]+/g, "")
    .slice(0, 24) || "gpu";

/**
 * The flavors notebooks can use, derived from the ready nodes: each CPU slice that fits a node,
 * and per GPU model 1..n GPUs with the node's CPU and memory per GPU. `sold_out` when no ready,
 * schedulable node has the room free now. Ids are stable while such a node shape exists.
 * `clusterId`: that cluster's nodes only (a notebook resource pool's flavors).
 */
export function notebookFlavors(core: Core, clusterId?: string): NotebookFlavor[] {
  const nodes = core.nodes
    .list(clusterId === undefined ? {} : { clusterId })
    .filter((n) => n.status === "ready" && n.hardware);
  const used = core.nodes.allocations();
  const freeOf = (n: Node): Resources => {
    const cap = nodeCapacity(n);
    const u = used.get(n.id);
    return {
      cpuMilli: cap.cpuMilli - (u?.cpuMilli ?? 0),
      memoryMiB: cap.memoryMiB - (u?.memoryMiB ?? 0),
      gpu: cap.gpu - (u?.gpus.size ?? 0),
    };
  };
  const fits = (r: Resources, have: Resources) =>
    r.cpuMilli <= have.cpuMilli && r.memoryMiB <= have.memoryMiB && r.gpu <= have.gpu;
  const out = new Map<string, NotebookFlavor>();
  const add = (f: Omit<NotebookFlavor, "sold_out">, node: Node) => {
    const free = node.schedulable && fits(f.resources, freeOf(node));
    const seen = out.get(f.id);
    out.set(f.id, { ...f, sold_out: seen ? seen.sold_out && !free : !free });
  };
  for (const node of nodes) {
    const cap = nodeCapacity(node);
    const arch = archOf(node);
    for (const vcpus of CPU_LADDER) {
      const resources = { cpuMilli: vcpus * 1000, memoryMiB: vcpus * GIB_PER_VCPU * 1024, gpu: 0 };
      if (!fits(resources, cap)) continue;
      const mem = vcpus * GIB_PER_VCPU;
      add(
        {
          id: `modelarts.vm.cpu.${vcpus}u${mem}g`,
          name: `CPU: ${vcpus} vCPUs ${mem}GB`,
          arch,
          category: "CPU",
          description: `${vcpus} vCPUs, ${mem} GiB memory`,
          feature: "NOTEBOOK",
          free: false,
          vcpus,
          memory: mem,
          storages: ["EVS"],
          resources,
        },
        node,
      );
    }
    const gpus = allocatableGpus(node);
    const model = gpus[0]?.name;
    if (!model) continue;
    const perGpuCpu = Math.max(1, Math.floor(cap.cpuMilli / 1000 / gpus.length));
    const perGpuMemGiB = Math.max(1, Math.floor(cap.memoryMiB / 1024 / gpus.length));
    const gpuMem = gpus[0]?.memoryMiB ? `${Math.round((gpus[0].memoryMiB as number) / 1024)}GB` : "";
    for (let count = 1; count <= gpus.length; count *= 2) {
      const vcpus = perGpuCpu * count;
      const mem = perGpuMemGiB * count;
      add(
        {
          id: `modelarts.vm.gpu.${slug(model)}.${count}x`,
          name: `GPU: ${count}*${model}(${gpuMem}) | CPU: ${vcpus} vCPUs ${mem}GB`,
          arch,
          category: "GPU",
          description: `${count} x ${model}, ${vcpus} vCPUs, ${mem} GiB memory`,
          feature: "NOTEBOOK",
          free: false,
          vcpus,
          memory: mem,
          gpu: { gpu: count, gpu_memory: gpuMem, type: model },
          storages: ["EVS"],
          resources: { cpuMilli: vcpus * 1000, memoryMiB: mem * 1024, gpu: count },
        },
        node,
      );
    }
  }
  return [...out.values()].sort(
    (a, b) => a.category.localeCompare(b.category) || a.resources.gpu - b.resources.gpu || a.vcpus - b.vcpus,
  );
}

/** The flavor as clients see it (without the scheduler's request). */
export const presentFlavor = ({ resources, ...shown }: NotebookFlavor): Omit<NotebookFlavor, "resources"> => {
  void resources;
  return shown;
};
