import type { AllocationLedger, NodeAllocation } from "./allocation";
import { nodeCapacity } from "./capacity";
import type { Clock } from "./clock";
import type { ClusterService } from "./clusters";
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from "./errors";
import { hardwareChange } from "./hardware-change";
import { partitionLabels } from "./label-allowance";
import { checkLabel, withLabel, withoutLabel } from "./labels";
import type { Node, NodeHardware, NodeMetrics, NodeStatus, RuntimeInfo } from "./model";
import type { Store } from "./repositories";
import type { Taint } from "./taint-model";
import { digestsEqual, newId, newSecret, sha256 } from "./secrets";
import type { CoreSignals } from "./signals";

/** Where a node sits in list()'s order: by name, then cluster id (unique per node). */
export interface NodeOrderKey {
  name: string;
  clusterId: string;
}

const collator = new Intl.Collator();
/** list()'s order (String#localeCompare's, through one Collator: the same order, much cheaper). */
export const compareNodeOrder = (a: NodeOrderKey, b: NodeOrderKey): number =>
  collator.compare(a.name, b.name) || collator.compare(a.clusterId, b.clusterId);

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;

/** credentialHash of a node an admin asked to replace: no credential matches it (not a hex digest). */
const REPLACE_PENDING = "";

const hasLiveCredential = (node: Node): boolean => node.credentialHash !== REPLACE_PENDING;

/** Whether an admin asked to replace the node and no join has taken it over yet. */
export const isReplacePending = (node: Node): boolean => !hasLiveCredential(node);

export interface HelloInfo {
  agentVersion: string;
  address: string;
  labels: string[];
  hardware: NodeHardware;
  runtime: RuntimeInfo;
}

export interface NodeServiceOptions {
  /** A node notready for longer than this becomes `down`. @default 300_000 ms */
  downAfterMs: number;
  /**
   * Minimum spacing of stored metric samples per node, and of stored last-seen times of a beating
   * node (status transitions are written at once, whatever the spacing). @default 60_000 ms
   */
  metricsSampleMs: number;
}

/** Key of the (cluster, name) index: a node's name is unique within its cluster. */
const nameKey = (clusterId: string, name: string): string => `${clusterId}\u0000${name}`;

/**
 * Nodes live in memory (all of them: thousands are a few MiB) and are written through to the store.
 * Structural changes (join, hello, labels, cordon) are written at once; liveness and metric samples
 * are queued and written in batches by flush(), so heartbeats never cost a synchronous SQLite write
 * each (docs/architecture.md §3). A heartbeat writes nothing by itself: only status transitions,
 * one last-seen time and one metric sample per node per metricsSampleMs reach the store, so a flush
 * costs what changed, not the size of the fleet. Joins and name lookups go through an index of
 * (cluster, name) and of names, never a scan of every node.
 */
export class NodeService {
  private readonly nodes = new Map<string, Node>();
  private readonly dirtyLiveness = new Set<string>();
  private readonly pendingMetrics = new Map<string, NodeMetrics>();
  private readonly lastStoredSample = new Map<string, number>();
  /**
   * Node ids in list() order. Kept sorted as nodes join (binary search and one insert), never
   * re-sorted: sorting 10k nodes costs ~25 ms, and during a join storm every list() (a
   * scheduling pass, the surfaces' capacity hooks) came after a join. Nodes are never dropped
   * from memory (removal sets removedAt) and a node's name and cluster never change.
   */
  private order: string[] = [];
  /** Whether put() keeps `order` (false while the constructor loads the stored nodes). */
  private orderKept = false;
  /** Last-seen time last queued for the store, per node (sampled: see touch()). */
  private readonly lastStoredSeen = new Map<string, number>();
  /** (cluster, name) -> node id. */
  private readonly byClusterName = new Map<string, string>();
  /** name -> ids of the nodes of that name (one per cluster). */
  private readonly byName = new Map<string, Set<string>>();
  /** Changes of any node so far (what `version` answers). */
  private changes = 0;
  /** Changes of what nodes offer or where they count so far (what `capacityVersion` answers). */
  private capacityChanges = 0;

  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterService,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    private readonly options: NodeServiceOptions,
    /** What placed tasks hold per node (createCore passes the core's tracked ledger). */
    private readonly ledger: AllocationLedger,
  ) {
    const now = clock.now();
    for (const node of store.nodes.list()) {
      // Nobody is connected to a hub that just started: ready nodes wait for their agent.
      if (node.status === "ready") {
        node.status = "notready";
        node.statusChangedAt = now;
        this.dirtyLiveness.add(node.id);
      }
      this.put(node);
      if (node.lastSeenAt !== null) this.lastStoredSeen.set(node.id, node.lastSeenAt);
    }
    // Sorted once here; from now on put() places each new node (see `order`).
    this.order = [...this.nodes.values()].sort(compareNodeOrder).map((n) => n.id);
    this.orderKept = true;
  }

  /**
   * Creates the node on first join; a later join with the same cluster and name keeps its id. A node
   * that has a live credential is never taken over (issue 13): a rejoin must prove that credential
   * (`proof`) or the key of the node's live certificate (`keySha256`: the SHA-256 of the key its
   * request was signed with, which the caller verified; the same agent again, retrying a join whose
   * answer it never got), or an admin must have asked to replace the node first (replace()), which
   * the next join then consumes. `allowedLabels` is the join token's allowance, kept on the node for
   * Hello.
   */
  join(
    clusterName: string,
    nodeName: string,
    options: { proof?: string; keySha256?: string; allowedLabels?: string[] | null } = {},
  ): { node: Node; credential: string } {
    if (!NODE_NAME.test(nodeName)) {
      throw new ValidationError("node_name", "must be 1-253 letters, digits, '_', '.' or '-'");
    }
    const cluster = this.clusters.ensure(clusterName);
    const secret = newSecret();
    const now = this.clock.now();
    const allowedLabels = options.allowedLabels ?? null;
    const existingId = this.byClusterName.get(nameKey(cluster.id, nodeName));
    let node = existingId === undefined ? undefined : this.nodes.get(existingId);
    if (node) {
      if (
        hasLiveCredential(node) &&
        !this.proves(node, options.proof) &&
        !this.holdsKey(node, options.keySha256)
      ) {
        throw new ConflictError(
          `node ${nodeName} in cluster ${clusterName} already has a live credential: rejoin with that ` +
            `node's own credential, or ask an admin to replace it first (corral node replace ${nodeName} ` +
            `--cluster ${clusterName})`,
        );
      }
      node = { ...node, credentialHash: sha256(secret), allowedLabels };
      // A node an admin removed joins again as a fresh member of its cluster.
      if (node.removedAt) node = { ...node, removedAt: null, schedulable: true };
      this.store.nodes.update(node);
    } else {
      node = {
        id: newId(),
        name: nodeName,
        clusterId: cluster.id,
        labels: [],
        status: "notready",
        schedulable: true,
        agentVersion: "",
        address: "",
        hardware: null,
        runtime: null,
        credentialHash: sha256(secret),
        lastSeenAt: null,
        statusChangedAt: now,
        createdAt: now,
        metrics: null,
        ...(allowedLabels === null ? {} : { allowedLabels }),
      };
      this.store.nodes.insert(node);
    }
    this.put(node);
    return { node, credential: `${node.id}.${secret}` };
  }

  /** The node a credential belongs to; throws UnauthenticatedError otherwise. */
  authenticate(credential: string): Node {
    const dot = credential.indexOf(".");
    const node = dot > 0 ? this.nodes.get(credential.slice(0, dot)) : undefined;
    if (
      !node ||
      !hasLiveCredential(node) ||
      !digestsEqual(node.credentialHash, sha256(credential.slice(dot + 1)))
    ) {
      throw new UnauthenticatedError("invalid node credential");
    }
    return node;
  }

  /**
   * An admin's "replace node": the node's credential stops working at once (nodeChanged tells the
   * gateway to drop its session) and the next join with a valid token takes the node over, once.
   * The node keeps its id, labels and tasks.
   */
  replace(node: Node): Node {
    // Its client certificates go with the credential (issue 13): Connect and Tunnel check the serial.
    this.store.nodeCertificates.revokeForNode(node.id, this.clock.now());
    return this.save({ ...node, credentialHash: REPLACE_PENDING });
  }

  /** Whether the node waits for a replacement agent (replace() was called, no join since). */
  replacePending(node: Node): boolean {
    return isReplacePending(node);
  }

  /** Records what the agent reported in its Hello. Agent labels are added to the node's labels. */
  hello(nodeId: string, info: HelloInfo): Node {
    return this.helloReport(nodeId, info).node;
  }

  /**
   * hello(), telling the caller what to warn about: labels outside the node's join-token allowance
   * (dropped, not added) and a hardware change that matters (GPUs, memory total; the node's
   * hardwareChangedAt is set).
   */
  helloReport(
    nodeId: string,
    info: HelloInfo,
  ): { node: Node; droppedLabels: string[]; hardwareChange: string | null } {
    const node = this.byId(nodeId);
    const claimed = info.labels.map((l) => checkLabel(l, "labels"));
    const { allowed, dropped } = partitionLabels(claimed, node.allowedLabels);
    let labels = node.labels;
    for (const l of allowed) labels = withLabel(labels, l);
    const now = this.clock.now();
    const change = hardwareChange(node.hardware, info.hardware);
    const updated: Node = {
      ...node,
      agentVersion: info.agentVersion,
      address: info.address,
      labels,
      hardware: info.hardware,
      runtime: info.runtime,
      lastSeenAt: now,
      ...(change === null ? {} : { hardwareChangedAt: now }),
    };
    if (change === null && reportsStoredFacts(node, updated)) {
      // The agent reported what the row already holds (every reconnect after a hub restart, ~0.2 ms
      // of UPDATE each, issue 15): only the last-seen time moved, and the next flush writes it.
      this.dirtyLiveness.add(nodeId);
    } else {
      this.store.nodes.update(updated);
    }
    this.put(updated);
    this.lastStoredSeen.set(nodeId, now);
    return { node: updated, droppedLabels: dropped, hardwareChange: change };
  }

  /** Liveness transition (written in the next batch). Becoming ready asks for scheduling. */
  setStatus(nodeId: string, status: NodeStatus): void {
    const node = this.nodes.get(nodeId);
    if (!node || node.status === status) return;
    node.status = status;
    node.statusChangedAt = this.clock.now();
    this.changes++;
    this.dirtyLiveness.add(nodeId);
    if (status === "ready") this.signals.schedulingNeeded.emit(`node ${nodeId} ready`);
  }

  /**
   * A heartbeat arrived: in memory, and queued for the store once per metricsSampleMs per node (the
   * stored last-seen time only matters after a hub restart, when it dates a node's absence).
   */
  touch(nodeId: string): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    const now = this.clock.now();
    node.lastSeenAt = now;
    this.changes++;
    const stored = this.lastStoredSeen.get(nodeId);
    if (stored === undefined || now - stored >= this.options.metricsSampleMs) {
      this.lastStoredSeen.set(nodeId, now);
      this.dirtyLiveness.add(nodeId);
    }
  }

  /**
   * Grows with every change of any node: a join, a Hello, a status, a heartbeat, a metrics sample,
   * labels, taints, a removal (every write goes through put() or the liveness setters above, which
   * change a node in place). A reader that saw the same value saw the same nodes.
   */
  get version(): number {
    return this.changes;
  }

  /**
   * Grows when a node joins or what a node offers (nodeCapacity), its labels (its pool) or its
   * removal change; never with a status, a heartbeat or a metrics sample (those change a node in
   * place, not through put()). Capacity totals (core/capacity-totals.ts) key on it, so a fleet
   * flapping between ready and notready never makes them sum every node again (issue 15).
   */
  get capacityVersion(): number {
    return this.capacityChanges;
  }

  /** Whether every node is ready (the common case, checked without sorting or copying). */
  allReady(): boolean {
    for (const n of this.nodes.values()) if (n.status !== "ready") return false;
    return true;
  }

  /** Keeps the latest sample on the node; stores one sample per metricsSampleMs. */
  recordMetrics(nodeId: string, metrics: NodeMetrics): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    node.metrics = metrics;
    this.changes++;
    const last = this.lastStoredSample.get(nodeId) ?? 0;
    if (metrics.sampledAt - last >= this.options.metricsSampleMs) {
      this.pendingMetrics.set(nodeId, metrics);
      this.lastStoredSample.set(nodeId, metrics.sampledAt);
    }
  }

  /**
   * The node's stored samples in [from, to) (Unix ms; default the last hour), oldest first, plus
   * the one queued for the next batched write. Spacing: CORRAL_METRICS_SAMPLE_MS.
   */
  metricsHistory(node: Node, range: { from?: number; to?: number } = {}): NodeMetrics[] {
    const to = range.to ?? this.clock.now() + 1;
    const from = range.from ?? to - 3_600_000;
    const stored = this.store.nodes.metricsHistory(node.id, from, to);
    const queued = this.pendingMetrics.get(node.id);
    const last = stored[stored.length - 1];
    if (
      queued &&
      queued.sampledAt >= from &&
      queued.sampledAt < to &&
      (!last || queued.sampledAt > last.sampledAt)
    )
      stored.push(queued);
    return stored;
  }

  /** Writes queued liveness and metric rows, all in one transaction. Returns rows written. */
  flush(): number {
    const liveness = [...this.dirtyLiveness].flatMap((id) => {
      const n = this.nodes.get(id);
      return n
        ? [{ id, status: n.status, statusChangedAt: n.statusChangedAt, lastSeenAt: n.lastSeenAt }]
        : [];
    });
    this.dirtyLiveness.clear();
    const metrics = [...this.pendingMetrics].map(([nodeId, m]) => ({ nodeId, metrics: m }));
    this.pendingMetrics.clear();
    if (liveness.length === 0 && metrics.length === 0) return 0;
    this.store.transaction(() => {
      if (liveness.length > 0) this.store.nodes.writeLiveness(liveness);
      if (metrics.length > 0) this.store.nodes.writeMetrics(metrics);
    });
    for (const r of liveness) if (r.lastSeenAt !== null) this.lastStoredSeen.set(r.id, r.lastSeenAt);
    return liveness.length + metrics.length;
  }

  /** Nodes notready for longer than downAfterMs become down. Call periodically. */
  markDownNodes(): void {
    const now = this.clock.now();
    for (const n of this.nodes.values()) {
      if (n.status === "notready" && now - n.statusChangedAt >= this.options.downAfterMs)
        this.setStatus(n.id, "down");
    }
  }

  /** Every node not removed, by name then cluster id (`order`: O(nodes), no sort). */
  list(filter: { clusterId?: string } = {}): Node[] {
    const out: Node[] = [];
    for (const id of this.order) {
      const n = this.nodes.get(id) as Node;
      if (!n.removedAt && (filter.clusterId === undefined || n.clusterId === filter.clusterId)) out.push(n);
    }
    return out;
  }

  /**
   * At most `limit` nodes of list()'s order that come after `after` (from the first when null),
   * and whether more follow: a page of a walk that sees every node once, joins during the walk
   * included when they sort after the page already read (a node's name and cluster never change).
   */
  listAfter(
    after: NodeOrderKey | null,
    limit: number,
    filter: { clusterId?: string } = {},
  ): { items: Node[]; more: boolean } {
    const items: Node[] = [];
    for (let i = after ? this.indexAfter(after) : 0; i < this.order.length; i++) {
      const n = this.nodes.get(this.order[i] as string) as Node;
      if (n.removedAt || (filter.clusterId !== undefined && n.clusterId !== filter.clusterId)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(n);
    }
    return { items, more: false };
  }

  /** Places a node that is new to memory in `order`. */
  private insertInOrder(node: Node): void {
    this.order.splice(this.indexAfter(node), 0, node.id);
  }

  /** The first position in `order` that sorts after `key` (binary search: the order is total). */
  private indexAfter(key: NodeOrderKey): number {
    let i = 0;
    let hi = this.order.length;
    while (i < hi) {
      const mid = (i + hi) >>> 1;
      if (compareNodeOrder(this.nodes.get(this.order[mid] as string) as Node, key) <= 0) i = mid + 1;
      else hi = mid;
    }
    return i;
  }

  /** What placed tasks hold on each node (CPU, memory, GPU UUIDs), by node id; idle nodes absent. */
  allocations(): Map<string, NodeAllocation> {
    return this.ledger.snapshot();
  }

  /** What placed tasks hold on one node now (zeros when idle); O(1), from the allocation ledger. */
  allocationOf(nodeId: string): Readonly<NodeAllocation> {
    return this.ledger.of(nodeId);
  }

  byId(id: string): Node {
    const n = this.nodes.get(id);
    if (!n) throw new NotFoundError("node", id);
    return n;
  }

  findById(id: string): Node | undefined {
    return this.nodes.get(id);
  }

  /** By id, or by name (within `clusterName` when given). Two clusters with that name: conflict. */
  get(nameOrId: string, clusterName?: string): Node {
    const byId = this.nodes.get(nameOrId);
    if (byId) return byId;
    const clusterId = clusterName === undefined ? undefined : this.clusters.get(clusterName).id;
    const matches = [...(this.byName.get(nameOrId) ?? [])].flatMap((id) => {
      const n = this.nodes.get(id);
      return n && !n.removedAt && (clusterId === undefined || n.clusterId === clusterId) ? [n] : [];
    });
    if (matches.length === 0) throw new NotFoundError("node", nameOrId);
    if (matches.length > 1) {
      throw new ConflictError(`node name ${nameOrId} exists in ${matches.length} clusters: name the cluster`);
    }
    return matches[0] as Node;
  }

  addLabel(node: Node, label: string): Node {
    return this.save({ ...node, labels: withLabel(node.labels, checkLabel(label)) });
  }

  removeLabel(node: Node, label: string): Node {
    if (!node.labels.includes(label)) throw new NotFoundError("label", label);
    return this.save({ ...node, labels: withoutLabel(node.labels, label) });
  }

  setSchedulable(node: Node, schedulable: boolean): Node {
    const saved = this.save({ ...node, schedulable });
    if (schedulable) this.signals.schedulingNeeded.emit(`node ${node.id} uncordoned`);
    return saved;
  }

  /** Replaces the node's taints (checked by core/taints.ts; NodeTaints evicts for NoExecute). */
  setTaints(node: Node, taints: Taint[]): Node {
    return this.save({ ...node, taints });
  }

  /**
   * Removes the node from its cluster (ModelArts batch-delete): its credential and client
   * certificates stop working at once (nodeChanged: the gateway drops its session) and it leaves
   * every list; byId still finds it for the history of tasks that ran there. A later join with a
   * valid token brings it back as a fresh member.
   */
  remove(node: Node): Node {
    const now = this.clock.now();
    this.store.nodeCertificates.revokeForNode(node.id, now);
    return this.save({ ...node, credentialHash: REPLACE_PENDING, schedulable: false, removedAt: now });
  }

  /** Whether `keySha256` is the key of one of the node's unrevoked, unexpired certificates. */
  private holdsKey(node: Node, keySha256: string | undefined): boolean {
    return (
      keySha256 !== undefined && this.store.nodeCertificates.liveWithKey(node.id, keySha256, this.clock.now())
    );
  }

  private proves(node: Node, proof: string | undefined): boolean {
    if (!proof) return false;
    try {
      return this.authenticate(proof).id === node.id;
    } catch {
      return false;
    }
  }

  /** Keeps `node` in memory and in the name indexes (a node's cluster and name never change). */
  private put(node: Node): void {
    this.changes++;
    const before = this.nodes.get(node.id);
    const added = before === undefined;
    if (added || countsDifferently(before, node)) this.capacityChanges++;
    this.nodes.set(node.id, node);
    if (added && this.orderKept) this.insertInOrder(node);
    this.byClusterName.set(nameKey(node.clusterId, node.name), node.id);
    let ids = this.byName.get(node.name);
    if (!ids) this.byName.set(node.name, (ids = new Set()));
    ids.add(node.id);
  }

  private save(node: Node): Node {
    this.store.nodes.update(node);
    this.put(node);
    this.signals.nodeChanged.emit(node.id);
    this.signals.schedulingNeeded.emit(`node ${node.id} changed`);
    return node;
  }
}

/** Whether `after` adds up differently from `before` in capacity totals (what, where, whether). */
function countsDifferently(before: Node, after: Node): boolean {
  if (
    (before.removedAt ?? null) !== (after.removedAt ?? null) ||
    before.labels.join("\n") !== after.labels.join("\n")
  )
    return true;
  const a = nodeCapacity(before);
  const b = nodeCapacity(after);
  return a.cpuMilli !== b.cpuMilli || a.memoryMiB !== b.memoryMiB || a.gpu !== b.gpu;
}

/**
 * Whether a Hello's node holds the same stored facts as the node before it (agent version,
 * address, labels, hardware, runtime), compared as the store writes them (JSON), so a node read
 * back from the store after a restart compares equal to the agent's identical report.
 */
function reportsStoredFacts(before: Node, after: Node): boolean {
  return (
    before.agentVersion === after.agentVersion &&
    before.address === after.address &&
    JSON.stringify(before.labels) === JSON.stringify(after.labels) &&
    JSON.stringify(before.hardware) === JSON.stringify(after.hardware) &&
    JSON.stringify(before.runtime) === JSON.stringify(after.runtime)
  );
}
