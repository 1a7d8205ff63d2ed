import type { Core } from "../../core";
import type { Task, Workload } from "../../core/model";
import type { WorkloadHead } from "../../core/workloads";
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

interface Entry {
  version: number;
  shown: Shown;
  json: string;
}

/** `fn` memoised per argument: a name looked up once per list, not once per row. */
function once<T>(fn: (id: string) => T): (id: string) => T {
  const seen = new Map<string, T>();
  return (id) => {
    if (!seen.has(id)) seen.set(id, fn(id));
    return seen.get(id) as T;
  };
}

/** At most this many workloads' JSON is kept (≈1 KiB each); past it the cache starts again. */
const MAX_ENTRIES = 50_000;

/**
 * The native API's workload JSON, as presentMany() makes it, cached per workload (issue 15: a page
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

  /** The JSON text of each head's workload, in order; rows read only for missing or stale entries. */
  texts(heads: readonly WorkloadHead[]): string[] {
    const core = this.core;
    const ids = heads.map((h) => h.id);
    const preemptions = core.preemptions.counts(ids);
    const look = lookups(core);
    const out: (string | undefined)[] = [];
    const missing: string[] = [];
    heads.forEach((h, i) => {
      const e = this.entries.get(h.id);
      const fresh =
        e !== undefined &&
        e.version === core.workloadVersions.versionOf(h.id) &&
        e.shown.preemptions === (preemptions.get(h.id) ?? 0) &&
        e.shown.cluster === (h.clusterId ? look.cluster(h.clusterId) : null) &&
        e.shown.quotaUnit === (h.quotaUnitId ? look.unit(h.quotaUnitId) : null) &&
        e.shown.nodePool === (h.nodePoolId ? look.pool(h.nodePoolId) : null) &&
        sameNodes(e.shown.nodes, look.node);
      if (fresh) out[i] = e.json;
      else missing.push(h.id);
    });
    if (missing.length > 0) {
      const rows = missing.flatMap((id) => core.workloads.find(id) ?? []);
      const tasks = core.workloads.tasksOf(rows.map((w) => w.id));
      const texts = new Map<string, string>();
      for (const w of rows) {
        const version = core.workloadVersions.versionOf(w.id);
        const nodes = new Map<string, string | null>();
        const node = (id: string) => {
          const name = look.node(id);
          nodes.set(id, name);
          return name;
        };
        const obj = workloadJson(w, tasks.get(w.id) ?? [], look, node, preemptions.get(w.id) ?? 0);
        const json = JSON.stringify(obj);
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
        this.entries.set(w.id, {
          version,
          shown: {
            cluster: obj.cluster,
            quotaUnit: obj.quotaUnit,
            nodePool: obj.nodePool,
            preemptions: obj.preemptions,
            nodes,
          },
          json,
        });
        texts.set(w.id, json);
      }
      heads.forEach((h, i) => {
        if (out[i] === undefined) out[i] = texts.get(h.id);
      });
    }
    // A workload cannot vanish between heads() and find() (no delete; one synchronous request).
    return out.filter((t): t is string => t !== undefined);
  }
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
