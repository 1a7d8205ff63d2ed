import type { JobTemplate } from "../core/job-template-model";
import type { JobTemplateRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  scope: string;
  name: string;
  owner: string;
  quota_unit_id: string | null;
  definition: string;
  created_at: number;
  updated_at: number;
}

/** What the `definition` column holds. */
type Definition = Pick<
  JobTemplate,
  "description" | "image" | "command" | "parameters" | "inputs" | "outputs" | "env" | "meta"
>;

const fromRow = (r: Row): JobTemplate => ({
  ...(JSON.parse(r.definition) as Definition),
  id: r.id,
  scope: r.scope,
  name: r.name,
  owner: r.owner,
  quotaUnitId: r.quota_unit_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const definitionOf = (t: JobTemplate): string => {
  const d: Definition = {
    description: t.description,
    image: t.image,
    command: t.command,
    parameters: t.parameters,
    inputs: t.inputs,
    outputs: t.outputs,
    env: t.env,
    meta: t.meta,
  };
  return JSON.stringify(d);
};

export function jobTemplateRepository(db: Db): JobTemplateRepository {
  const insert = db.prepare(
    `INSERT INTO job_templates (id, scope, name, owner, quota_unit_id, definition, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    "UPDATE job_templates SET name = ?, quota_unit_id = ?, definition = ?, updated_at = ? WHERE id = ?",
  );
  const byId = db.prepare("SELECT * FROM job_templates WHERE id = ?");
  const list = db.prepare("SELECT * FROM job_templates WHERE scope = ? ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM job_templates WHERE id = ?");
  return {
    insert: (t) =>
      void insert.run(
        t.id,
        t.scope,
        t.name,
        t.owner,
        t.quotaUnitId,
        definitionOf(t),
        t.createdAt,
        t.updatedAt,
      ),
    update: (t) => void update.run(t.name, t.quotaUnitId, definitionOf(t), t.updatedAt, t.id),
    byId: (id) => {
      const r = byId.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    list: (scope) => (list.all(scope) as Row[]).map(fromRow),
    delete: (id) => void del.run(id),
  };
}
