import type { ClusterRecord } from "../core/model";
import type { ClusterRecordRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface ClusterRecordRow {
  cluster_id: string;
  kind: string;
  name: string;
  data: string;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: ClusterRecordRow): ClusterRecord => ({
  clusterId: r.cluster_id,
  kind: r.kind,
  name: r.name,
  data: parseJson(r.data, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Records kept about clusters (migration 025), one row per (cluster, kind, name). */
export function clusterRecordRepository(db: Db): ClusterRecordRepository {
  const upsert = db.prepare(
    `INSERT INTO cluster_records (cluster_id, kind, name, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(cluster_id, kind, name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
  );
  const get = db.prepare("SELECT * FROM cluster_records WHERE cluster_id = ? AND kind = ? AND name = ?");
  const list = db.prepare(
    "SELECT * FROM cluster_records WHERE cluster_id = ? AND kind = ? ORDER BY created_at, name",
  );
  const listKind = db.prepare("SELECT * FROM cluster_records WHERE kind = ? ORDER BY created_at, name");
  const del = db.prepare("DELETE FROM cluster_records WHERE cluster_id = ? AND kind = ? AND name = ?");
  const delCluster = db.prepare("DELETE FROM cluster_records WHERE cluster_id = ?");
  return {
    save: (r) =>
      void upsert.run(r.clusterId, r.kind, r.name, JSON.stringify(r.data), r.createdAt, r.updatedAt),
    get: (clusterId, kind, name) => {
      const r = get.get(clusterId, kind, name) as ClusterRecordRow | undefined;
      return r && toRecord(r);
    },
    list: (clusterId, kind) => (list.all(clusterId, kind) as ClusterRecordRow[]).map(toRecord),
    listKind: (kind) => (listKind.all(kind) as ClusterRecordRow[]).map(toRecord),
    delete: (clusterId, kind, name) => void del.run(clusterId, kind, name),
    deleteCluster: (clusterId) => void delCluster.run(clusterId),
  };
}
