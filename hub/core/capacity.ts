import type { GpuDevice, Node, Resources } from "./model";

/**
 * Devices a task can be given: whole GPUs without MIG, and every MIG slice. A GPU with MIG on is
 * not allocatable itself; its slices are.
 */
export function allocatableGpus(node: Node): GpuDevice[] {
  return (node.hardware?.gpus ?? []).filter((g) => !g.migEnabled);
}

/** What a node offers: all logical cores (millicores), total memory (MiB), allocatable devices. */
export function nodeCapacity(node: Node): Resources {
  return {
    cpuMilli: (node.hardware?.cpu.cores ?? 0) * 1000,
    memoryMiB: node.hardware?.memory.totalMiB ?? 0,
    gpu: allocatableGpus(node).length,
  };
}
