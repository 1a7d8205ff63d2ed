import type { Node, NodeMetrics } from "../core/model";
import type { NodeRepository } from "../core/repositories";
import type { Db } from "./database";
import { bool, int, parseJson } from "./rows";

interface NodeRow {
  id: string;
  name: string;
  cluster_id: string;
  labels: string;
  status: Node["status"];
  schedulable: number;
  agent_version: string;
  address: string;
  hardware: string | null;
  runtime: string | null;
  credential_hash: string;
  last_seen_at: number | null;
  status_changed_at: number;
  created_at: number;
  metrics: string | null;
  allowed_labels: string | null;
  hardware_changed_at: number | null;
  taints: string;
  removed_at: number | null;
}

const toNode = (r: NodeRow): Node => ({
  id: r.id,
  name: r.name,
  clusterId: r.cluster_id,
  labels: parseJson(r.labels, []),
  status: r.status,
  schedulable: bool(r.schedulable),
  agentVersion: r.agent_version,
  address: r.address,
  hardware: parseJson(r.hardware, null),
  runtime: parseJson(r.runtime, null),
  credentialHash: r.credential_hash,
  lastSeenAt: r.last_seen_at,
  statusChangedAt: r.status_changed_at,
  createdAt: r.created_at,
  metrics: parseJson(r.metrics, null),
  // Optional fields (issue 13): absent when NULL, so nodes read back as they were written.
  ...(r.allowed_labels === null ? {} : { allowedLabels: parseJson<string[] | null>(r.allowed_labels, null) }),
  ...(r.hardware_changed_at === null ? {} : { hardwareChangedAt: r.hardware_changed_at }),
  // Issue 11: absent when empty / NULL, as above.
  ...(r.taints === "[]" ? {} : { taints: parseJson(r.taints, []) }),
  ...(r.removed_at === null ? {} : { removedAt: r.removed_at }),
});

const params = (n: Node) => ({
  id: n.id,
  name: n.name,
  cluster_id: n.clusterId,
  labels: JSON.stringify(n.labels),
  status: n.status,
  schedulable: int(n.schedulable),
  agent_version: n.agentVersion,
  address: n.address,
  hardware: n.hardware && JSON.stringify(n.hardware),
  runtime: n.runtime && JSON.stringify(n.runtime),
  credential_hash: n.credentialHash,
  last_seen_at: n.lastSeenAt,
  status_changed_at: n.statusChangedAt,
  created_at: n.createdAt,
  metrics: n.metrics && JSON.stringify(n.metrics),
  allowed_labels: n.allowedLabels ? JSON.stringify(n.allowedLabels) : null,
  hardware_changed_at: n.hardwareChangedAt ?? null,
  taints: JSON.stringify(n.taints ?? []),
  removed_at: n.removedAt ?? null,
});

/** Samples older than this are pruned when new ones are written. @default 24 h */
const METRIC_HISTORY_MS = 24 * 3600 * 1000;

export function nodeRepository(db: Db): NodeRepository {
  const insert = db.prepare(
    `INSERT INTO nodes (id, name, cluster_id, labels, status, schedulable, agent_version, address, hardware, runtime,
       credential_hash, last_seen_at, status_changed_at, created_at, metrics, allowed_labels, hardware_changed_at,
       taints, removed_at)
     VALUES (@id, @name, @cluster_id, @labels, @status, @schedulable, @agent_version, @address, @hardware, @runtime,
       @credential_hash, @last_seen_at, @status_changed_at, @created_at, @metrics, @allowed_labels, @hardware_changed_at,
       @taints, @removed_at)`,
  );
  const update = db.prepare(
    `UPDATE nodes SET name=@name, cluster_id=@cluster_id, labels=@labels, status=@status, schedulable=@schedulable,
       agent_version=@agent_version, address=@address, hardware=@hardware, runtime=@runtime,
       credential_hash=@credential_hash, last_seen_at=@last_seen_at, status_changed_at=@status_changed_at,
       metrics=@metrics, allowed_labels=@allowed_labels, hardware_changed_at=@hardware_changed_at,
       taints=@taints, removed_at=@removed_at
     WHERE id=@id`,
  );
  const list = db.prepare("SELECT * FROM nodes ORDER BY name");
  const liveness = db.prepare(
    "UPDATE nodes SET status = ?, status_changed_at = ?, last_seen_at = ? WHERE id = ?",
  );
  const latest = db.prepare("UPDATE nodes SET metrics = ? WHERE id = ?");
  const history = db.prepare("INSERT INTO node_metrics (node_id, at, sample) VALUES (?, ?, ?)");
  const prune = db.prepare("DELETE FROM node_metrics WHERE at < ?");
  const historyOf = db.prepare(
    "SELECT sample FROM node_metrics WHERE node_id = ? AND at >= ? AND at < ? ORDER BY at",
  );
  const writeLiveness = db.transaction((rows: Parameters<NodeRepository["writeLiveness"]>[0]) => {
    for (const r of rows) liveness.run(r.status, r.statusChangedAt, r.lastSeenAt, r.id);
  });
  const writeMetrics = db.transaction((rows: Parameters<NodeRepository["writeMetrics"]>[0]) => {
    let oldest = Infinity;
    for (const r of rows) {
      const json = JSON.stringify(r.metrics);
      latest.run(json, r.nodeId);
      history.run(r.nodeId, r.metrics.sampledAt, json);
      oldest = Math.min(oldest, r.metrics.sampledAt);
    }
    if (Number.isFinite(oldest)) prune.run(oldest - METRIC_HISTORY_MS);
  });
  return {
    insert: (n) => void insert.run(params(n)),
    update: (n) => void update.run(params(n)),
    list: () => (list.all() as NodeRow[]).map(toNode),
    writeLiveness: (rows) => writeLiveness(rows),
    writeMetrics: (rows) => writeMetrics(rows),
    metricsHistory: (nodeId, from, to) =>
      (historyOf.all(nodeId, from, to) as { sample: string }[]).map(
        (r) => JSON.parse(r.sample) as NodeMetrics,
      ),
  };
}
