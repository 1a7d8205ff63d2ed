import type { Core } from "../../core";
import type { Task, Workload } from "../../core/model";
import { presentWorkload } from "./presenters";

/** The names and counts a workload's JSON shows that live outside its row and its tasks. */
interface Shown {
  cluster: string | null;
  quotaUnit: string | null;
  nodePool: string | null;
  preemptions: number;
  /** Node id → the name shown for it (tasks' `node`). */
  nodes: Map<string, string | null>;
}

interface Entry extends CachedWorkload {
  version: number;
  shown: Shown;
}

/** `fn` memoised per argument: a name looked up once per list, not once per row. */
function once<T>(fn: (id: string) => T): (id: string) => T {
  const seen = new Map<string, T>();
  return (id) => {
    if (!seen.has(id)) seen.set(id, fn(id));
    return seen.get(id) as T;
  };
}

/**
 * At most this many workloads' JSON is kept (≈1 KiB each, so ~20 MB); past it the cache starts
 * again. Pages read the newest workloads, so a steady page stays well within it.
 */
const MAX_ENTRIES = 20_000;

/**
 * The native API's workload JSON (workloadJson()), cached per workload (issue 15: a page
 * of 100 cost ~35 µs a row reading, parsing and presenting rows). An entry is served while the
 * workload's version (core.workloadVersions: every write of its row or its tasks) is the one it
 * was made at and each name and count it shows outside them (cluster, quota unit, node pool, the
 * nodes of its tasks, preemptions) is still the same; otherwise the row is read and presented again.
 */
export class WorkloadJsonCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly core: Core) {}

  /** The JSON object of each workload (one task query for all, each name looked up once), uncached. */
  present(ws: readonly Workload[]): WorkloadJson[] {
    const look = lookups(this.core);
    const ids = ws.map((w) => w.id);
    const tasks = this.core.workloads.tasksOf(ids);
    const preemptions = this.core.preemptions.counts(ids);
    return ws.map((w) => workloadJson(w, tasks.get(w.id) ?? [], look, look.node, preemptions.get(w.id) ?? 0));
  }

  /**
   * Each workload of `ids` with its JSON text, in order: entries still valid are served as they
   * are, the others (missing, or their workload, a name or a count they show changed) are read
   * and presented again, all in one task query.
   */
  rows(ids: readonly string[]): CachedWorkload[] {
    const core = this.core;
    const preemptions = core.preemptions.counts(ids);
    const look = lookups(core);
    const valid = (id: string, e: Entry | undefined): e is Entry =>
      e !== undefined &&
      e.version === core.workloadVersions.versionOf(id) &&
      e.shown.preemptions === (preemptions.get(id) ?? 0) &&
      e.shown.cluster === (e.head.clusterId ? look.cluster(e.head.clusterId) : null) &&
      e.shown.quotaUnit === (e.head.quotaUnitId ? look.unit(e.head.quotaUnitId) : null) &&
      e.shown.nodePool === (e.head.nodePoolId ? look.pool(e.head.nodePoolId) : null) &&
      sameNodes(e.shown.nodes, look.node);
    const made = new Map<string, Entry>();
    const stale = ids.filter((id) => !valid(id, this.entries.get(id)));
    if (stale.length > 0) {
      const rows = stale.flatMap((id) => core.workloads.find(id) ?? []);
      const tasks = core.workloads.tasksOf(rows.map((w) => w.id));
      for (const w of rows) {
        const version = core.workloadVersions.versionOf(w.id);
        const nodes = new Map<string, string | null>();
        const node = (id: string) => {
          const name = look.node(id);
          nodes.set(id, name);
          return name;
        };
        const obj = workloadJson(w, tasks.get(w.id) ?? [], look, node, preemptions.get(w.id) ?? 0);
        const { cluster, quotaUnit, nodePool } = obj;
        made.set(w.id, {
          version,
          head: headOf(w),
          shown: { cluster, quotaUnit, nodePool, preemptions: obj.preemptions, nodes },
          json: JSON.stringify(obj),
        });
      }
    }
    // A workload cannot vanish between listIds() and find() (no delete; one synchronous request).
    const out = ids.flatMap((id) => made.get(id) ?? this.entries.get(id) ?? []);
    if (this.entries.size + made.size > MAX_ENTRIES) this.entries.clear();
    for (const [id, e] of made) this.entries.set(id, e);
    return out;
  }
}

/** What a page needs of a workload besides its JSON: its place in the list and who may read it. */
export type WorkloadHead = Pick<
  Workload,
  "id" | "createdAt" | "owner" | "quotaUnitId" | "clusterId" | "nodePoolId"
>;

const headOf = (w: Workload): WorkloadHead => ({
  id: w.id,
  createdAt: w.createdAt,
  owner: w.owner,
  quotaUnitId: w.quotaUnitId,
  clusterId: w.clusterId,
  nodePoolId: w.nodePoolId,
});

/** A workload's JSON text, the fields it was made from that a page needs, and its validity. */
export interface CachedWorkload {
  head: WorkloadHead;
  json: string;
}

type Lookups = ReturnType<typeof lookups>;

/** Names by id, each looked up once per request (nodes are in memory already). */
function lookups(core: Core) {
  return {
    cluster: once((id: string) => core.clusters.byId(id)?.name ?? null),
    unit: once((id: string) => core.quotaUnits.find(id)?.name ?? null),
    pool: once((id: string) => core.nodePools.find(id)?.name ?? null),
    node: (id: string) => core.nodes.findById(id)?.name ?? null,
  };
}

export type WorkloadJson = ReturnType<typeof workloadJson>;

/** A workload as the native API shows it: presentWorkload() plus quota and preemption fields. */
function workloadJson(
  w: Workload,
  tasks: readonly Task[],
  look: Lookups,
  node: (id: string) => string | null,
  preemptions: number,
) {
  return {
    ...presentWorkload(w, tasks, w.clusterId ? look.cluster(w.clusterId) : null, node),
    quotaUnit: w.quotaUnitId ? look.unit(w.quotaUnitId) : null,
    nodePool: w.nodePoolId ? look.pool(w.nodePoolId) : null,
    priority: w.priority,
    preemptible: w.preemptible,
    preemptions,
  };
}

function sameNodes(shown: Map<string, string | null>, node: (id: string) => string | null): boolean {
  for (const [id, name] of shown) if (node(id) !== name) return false;
  return true;
}
