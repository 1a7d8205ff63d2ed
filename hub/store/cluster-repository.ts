import type { Cluster } from "../core/model";
import type { ClusterRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface ClusterRow {
  id: string;
  name: string;
  labels: string;
  created_at: number;
}

const toCluster = (r: ClusterRow): Cluster => ({
  id: r.id,
  name: r.name,
  labels: parseJson(r.labels, []),
  createdAt: r.created_at,
});

export function clusterRepository(db: Db): ClusterRepository {
  const insert = db.prepare("INSERT INTO clusters (id, name, labels, created_at) VALUES (?, ?, ?, ?)");
  const update = db.prepare("UPDATE clusters SET name = ?, labels = ? WHERE id = ?");
  const byId = db.prepare("SELECT * FROM clusters WHERE id = ?");
  // A tombstone (deleted_at set) is found by id only, for the history that points at it.
  const byName = db.prepare("SELECT * FROM clusters WHERE name = ? AND deleted_at IS NULL");
  const list = db.prepare("SELECT * FROM clusters WHERE deleted_at IS NULL ORDER BY name");
  const del = db.prepare("DELETE FROM clusters WHERE id = ?");
  const referredByNodes = db.prepare("SELECT 1 FROM nodes WHERE cluster_id = ? LIMIT 1");
  // The name is freed (a new cluster may take it) by suffixing the unique id.
  const bury = db.prepare(
    "UPDATE clusters SET deleted_at = ?, name = name || '~deleted~' || id WHERE id = ?",
  );
  return {
    insert: (c) => void insert.run(c.id, c.name, JSON.stringify(c.labels), c.createdAt),
    update: (c) => void update.run(c.name, JSON.stringify(c.labels), c.id),
    byId: (id) => {
      const r = byId.get(id) as ClusterRow | undefined;
      return r && toCluster(r);
    },
    byName: (name) => {
      const r = byName.get(name) as ClusterRow | undefined;
      return r && toCluster(r);
    },
    list: () => (list.all() as ClusterRow[]).map(toCluster),
    delete: (id, at) => {
      if (referredByNodes.get(id)) bury.run(at, id);
      else del.run(id);
    },
  };
}
