import type { InferenceModel } from "../core/inference-model-model";
import type { InferenceModelRepository, InvocationCountRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  name: string;
  version: string;
  owner: string;
  quota_unit_id: string;
  status: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

/** What the `definition` column holds. */
type Definition = Pick<
  InferenceModel,
  "description" | "image" | "port" | "healthPath" | "env" | "source" | "statusMessage" | "meta"
>;

const fromRow = (r: Row): InferenceModel => ({
  ...(JSON.parse(r.definition) as Definition),
  id: r.id,
  name: r.name,
  version: r.version,
  owner: r.owner,
  quotaUnitId: r.quota_unit_id,
  status: r.status as InferenceModel["status"],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const definitionOf = (m: InferenceModel): string => {
  const d: Definition = {
    description: m.description,
    image: m.image,
    port: m.port,
    healthPath: m.healthPath,
    env: m.env,
    source: m.source,
    statusMessage: m.statusMessage,
    meta: m.meta,
  };
  return JSON.stringify(d);
};

export function inferenceModelRepository(db: Db): InferenceModelRepository {
  const insert = db.prepare(
    `INSERT INTO inference_models (id, name, version, owner, quota_unit_id, status, definition, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    "UPDATE inference_models SET status = ?, definition = ?, updated_at = ? WHERE id = ?",
  );
  const byId = db.prepare("SELECT * FROM inference_models WHERE id = ?");
  const list = db.prepare("SELECT * FROM inference_models ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM inference_models WHERE id = ?");
  return {
    insert: (m) =>
      void insert.run(
        m.id,
        m.name,
        m.version,
        m.owner,
        m.quotaUnitId,
        m.status,
        definitionOf(m),
        m.createdAt,
        m.updatedAt,
      ),
    update: (m) => void update.run(m.status, definitionOf(m), m.updatedAt, m.id),
    byId: (id) => {
      const r = byId.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    list: () => (list.all() as Row[]).map(fromRow),
    delete: (id) => void del.run(id),
  };
}

export function invocationCountRepository(db: Db): InvocationCountRepository {
  const list = db.prepare("SELECT target_id, count FROM invocation_counts");
  const upsert = db.prepare(
    `INSERT INTO invocation_counts (target_id, count, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (target_id) DO UPDATE SET count = excluded.count, updated_at = excluded.updated_at`,
  );
  const del = db.prepare("DELETE FROM invocation_counts WHERE target_id = ?");
  const saveMany = db.transaction((rows: readonly { targetId: string; count: number; at: number }[]) => {
    for (const r of rows) upsert.run(r.targetId, r.count, r.at);
  });
  return {
    list: () =>
      (list.all() as { target_id: string; count: number }[]).map((r) => ({
        targetId: r.target_id,
        count: r.count,
      })),
    saveMany: (rows) => saveMany(rows),
    delete: (id) => void del.run(id),
  };
}
