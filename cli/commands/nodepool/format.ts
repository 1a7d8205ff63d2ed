/** A node pool as the hub's native API returns it (/node-pools). */
export interface NodePoolJson {
  id: string;
  name: string;
  labelSelector: string[];
  nodes: string[];
  capacity: { cpuMilli: number; memoryMiB: number; gpu: number };
  createdAt: string;
}

export const NODEPOOL_HEADERS = ["NAME", "SELECTOR", "NODES", "GPUS", "CPU"];

export function nodePoolRow(p: NodePoolJson): string[] {
  return [
    p.name,
    p.labelSelector.length ? p.labelSelector.join(",") : "(nodes no other pool selects)",
    String(p.nodes.length),
    String(p.capacity.gpu),
    `${p.capacity.cpuMilli / 1000}`,
  ];
}
