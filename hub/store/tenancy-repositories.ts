import type { Group, NodePool, QuotaUnit } from "../core/model";
import type { GroupRepository, NodePoolRepository, QuotaUnitRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface NodePoolRow {
  id: string;
  name: string;
  label_selector: string;
  meta: string;
  created_at: number;
  updated_at: number;
  cluster_id: string | null;
  flavor_id: string | null;
  desired_count: number | null;
  max_count: number | null;
}

const toPool = (r: NodePoolRow): NodePool => ({
  id: r.id,
  name: r.name,
  labelSelector: parseJson(r.label_selector, []),
  meta: parseJson(r.meta, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  // Sizing of a cluster's node pool (migration 025); absent on pools made without one.
  ...(r.cluster_id === null && r.desired_count === null
    ? {}
    : { clusterId: r.cluster_id, flavorId: r.flavor_id, count: r.desired_count, maxCount: r.max_count }),
});

export function nodePoolRepository(db: Db): NodePoolRepository {
  const upsert = db.prepare(
    `INSERT INTO node_pools (id, name, label_selector, meta, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, label_selector = excluded.label_selector,
       meta = excluded.meta, updated_at = excluded.updated_at`,
  );
  const list = db.prepare("SELECT * FROM node_pools ORDER BY created_at, name");
  const del = db.prepare("DELETE FROM node_pools WHERE id = ?");
  const sizing = db.prepare(
    "UPDATE node_pools SET cluster_id = ?, flavor_id = ?, desired_count = ?, max_count = ? WHERE id = ?",
  );
  return {
    save: (p) => {
      upsert.run(
        p.id,
        p.name,
        JSON.stringify(p.labelSelector),
        JSON.stringify(p.meta),
        p.createdAt,
        p.updatedAt,
      );
      sizing.run(p.clusterId ?? null, p.flavorId ?? null, p.count ?? null, p.maxCount ?? null, p.id);
    },
    list: () => (list.all() as NodePoolRow[]).map(toPool),
    delete: (id) => void del.run(id),
  };
}

interface QuotaUnitRow {
  id: string;
  name: string;
  kind: QuotaUnit["kind"];
  parent_id: string | null;
  cluster_id: string | null;
  allocations: string;
  default_node_pools: string | null;
  ranks: string;
  aliases: string;
  meta: string;
  created_at: number;
  updated_at: number;
}

const toUnit = (r: QuotaUnitRow): QuotaUnit => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  clusterId: r.cluster_id,
  allocations: parseJson(r.allocations, []),
  defaultNodePools: parseJson<string[] | null>(r.default_node_pools, null),
  ranks: parseJson(r.ranks, {}),
  aliases: parseJson(r.aliases, []),
  meta: parseJson(r.meta, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function quotaUnitRepository(db: Db): QuotaUnitRepository {
  const upsert = db.prepare(
    `INSERT INTO quota_units (id, name, kind, parent_id, cluster_id, allocations, default_node_pools,
       ranks, aliases, meta, created_at, updated_at)
     VALUES (@id, @name, @kind, @parent_id, @cluster_id, @allocations, @default_node_pools, @ranks,
       @aliases, @meta, @created_at, @updated_at)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id,
       cluster_id = excluded.cluster_id, allocations = excluded.allocations,
       default_node_pools = excluded.default_node_pools, ranks = excluded.ranks,
       aliases = excluded.aliases, meta = excluded.meta, updated_at = excluded.updated_at`,
  );
  const byId = db.prepare("SELECT * FROM quota_units WHERE id = ?");
  const byName = db.prepare("SELECT * FROM quota_units WHERE kind = ? AND name = ?");
  const list = db.prepare("SELECT * FROM quota_units ORDER BY created_at, name");
  const del = db.prepare("DELETE FROM quota_units WHERE id = ?");
  return {
    save: (u) =>
      void upsert.run({
        id: u.id,
        name: u.name,
        kind: u.kind,
        parent_id: u.parentId,
        cluster_id: u.clusterId,
        allocations: JSON.stringify(u.allocations),
        default_node_pools: u.defaultNodePools === null ? null : JSON.stringify(u.defaultNodePools),
        ranks: JSON.stringify(u.ranks),
        aliases: JSON.stringify(u.aliases),
        meta: JSON.stringify(u.meta),
        created_at: u.createdAt,
        updated_at: u.updatedAt,
      }),
    byId: (id) => {
      const r = byId.get(id) as QuotaUnitRow | undefined;
      return r && toUnit(r);
    },
    byName: (kind, name) => {
      const r = byName.get(kind, name) as QuotaUnitRow | undefined;
      return r && toUnit(r);
    },
    list: () => (list.all() as QuotaUnitRow[]).map(toUnit),
    delete: (id) => void del.run(id),
  };
}

interface GroupRow {
  name: string;
  description: string;
  external_name: string;
  extension: string;
  created_at: number;
  updated_at: number;
}

const toGroup = (r: GroupRow): Group => ({
  name: r.name,
  description: r.description,
  externalName: r.external_name,
  extension: parseJson(r.extension, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function groupRepository(db: Db): GroupRepository {
  const upsert = db.prepare(
    `INSERT INTO groups (name, description, external_name, extension, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET description = excluded.description, external_name = excluded.external_name,
       extension = excluded.extension, updated_at = excluded.updated_at`,
  );
  const byName = db.prepare("SELECT * FROM groups WHERE name = ?");
  const list = db.prepare("SELECT * FROM groups ORDER BY name");
  const del = db.prepare("DELETE FROM groups WHERE name = ?");
  return {
    save: (g) =>
      void upsert.run(
        g.name,
        g.description,
        g.externalName,
        JSON.stringify(g.extension),
        g.createdAt,
        g.updatedAt,
      ),
    byName: (name) => {
      const r = byName.get(name) as GroupRow | undefined;
      return r && toGroup(r);
    },
    list: () => (list.all() as GroupRow[]).map(toGroup),
    delete: (name) => void del.run(name),
  };
}
