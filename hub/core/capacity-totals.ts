import { nodeCapacity } from "./capacity";
import type { NodePool, Resources } from "./model";
import type { NodePoolService } from "./node-pools";
import type { NodeService } from "./nodes";

const zero = (): Resources => ({ cpuMilli: 0, memoryMiB: 0, gpu: 0 });

function add(total: Resources, r: Resources): void {
  total.cpuMilli += r.cpuMilli;
  total.memoryMiB += r.memoryMiB;
  total.gpu += r.gpu;
}

/** What decides which pool a node counts in: the pools' ids and selectors, in poolOf's order. */
const poolsKey = (pools: readonly NodePool[]): string =>
  pools.map((p) => `${p.id}=${p.labelSelector.join(",")}`).join(";");

/**
 * What the nodes not removed offer (nodeCapacity summed: millicores, MiB, allocatable GPUs), over
 * the cluster and per node pool, whatever their status. Quotas that follow the cluster's size
 * (OpenPAI's VCs, ModelArts' unlimited workspaces) ask on every scheduling signal, which during a
 * hub restart is every node turning ready: summing 10k nodes each time cost ~4 % of a core
 * (issue 15). The sums are kept until a node's capacity, labels or removal change
 * (NodeService.capacityVersion) or the pools' selectors do, so a status flip costs nothing here.
 */
export class CapacityTotals {
  private clusterAt = -1;
  private clusterSum = zero();
  private poolsAt = -1;
  private poolsKeyAt = "";
  private poolSums = new Map<string, Resources>();

  constructor(
    private readonly nodes: NodeService,
    private readonly nodePools: NodePoolService,
  ) {}

  /** Every node's capacity, summed (a copy: callers may change it). */
  cluster(): Resources {
    const version = this.nodes.capacityVersion;
    if (version !== this.clusterAt) {
      const total = zero();
      for (const n of this.nodes.list()) add(total, nodeCapacity(n));
      this.clusterSum = total;
      this.clusterAt = version;
    }
    return { ...this.clusterSum };
  }

  /** The capacity of the nodes in pool `poolId` (zeros for a pool with no nodes or none by that id). */
  ofPool(poolId: string): Resources {
    const pools = this.nodePools.list();
    const key = poolsKey(pools);
    const version = this.nodes.capacityVersion;
    if (version !== this.poolsAt || key !== this.poolsKeyAt) {
      const sums = new Map<string, Resources>();
      for (const n of this.nodes.list()) {
        const id = this.nodePools.poolOf(n, pools).id;
        let total = sums.get(id);
        if (!total) sums.set(id, (total = zero()));
        add(total, nodeCapacity(n));
      }
      this.poolSums = sums;
      this.poolsAt = version;
      this.poolsKeyAt = key;
    }
    const total = this.poolSums.get(poolId);
    return total ? { ...total } : zero();
  }
}
