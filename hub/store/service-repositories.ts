import type { ReplicatedServiceRepository, ServiceTemplateRepository } from "../core/repositories";
import type { ReplicatedService, ServiceTemplate } from "../core/services/model";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface Row {
  id: string;
  scope: string;
  name: string;
  body: string;
  created_at: number;
}

type TemplateBody = Omit<ServiceTemplate, "id" | "scope" | "name" | "version" | "createdAt">;
type ServiceBody = Omit<ReplicatedService, "id" | "scope" | "name" | "createdAt" | "deletedAt">;

/** Templates keep their recipe as one JSON body beside the indexed keys. */
export function serviceTemplateRepository(db: Db): ServiceTemplateRepository {
  const insert = db.prepare(
    "INSERT INTO service_templates (id, scope, name, version, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const list = db.prepare("SELECT * FROM service_templates ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM service_templates WHERE id = ?");
  return {
    insert: (t) => {
      const { id, scope, name, version, createdAt, ...body } = t;
      insert.run(id, scope, name, version, JSON.stringify(body satisfies TemplateBody), createdAt);
    },
    list: () =>
      (list.all() as (Row & { version: string })[]).map((r) => ({
        ...parseJson<TemplateBody>(r.body, {} as never),
        id: r.id,
        scope: r.scope,
        name: r.name,
        version: r.version,
        createdAt: r.created_at,
      })),
    delete: (id) => void del.run(id),
  };
}

/** Services keep revisions, history and surface records as one JSON body beside the indexed keys. */
export function replicatedServiceRepository(db: Db): ReplicatedServiceRepository {
  const insert = db.prepare(
    "INSERT INTO replicated_services (id, scope, name, body, deleted_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const update = db.prepare("UPDATE replicated_services SET body = ?, deleted_at = ? WHERE id = ?");
  const byId = db.prepare("SELECT * FROM replicated_services WHERE id = ?");
  const list = db.prepare("SELECT * FROM replicated_services ORDER BY created_at, rowid");
  const split = (s: ReplicatedService): string => {
    const { id: _id, scope: _scope, name: _name, createdAt: _at, deletedAt: _del, ...body } = s;
    return JSON.stringify(body satisfies ServiceBody);
  };
  const toService = (r: Row & { deleted_at: number | null }): ReplicatedService => ({
    ...parseJson<ServiceBody>(r.body, {} as never),
    id: r.id,
    scope: r.scope,
    name: r.name,
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
  });
  return {
    insert: (s) => void insert.run(s.id, s.scope, s.name, split(s), s.deletedAt, s.createdAt),
    update: (s) => void update.run(split(s), s.deletedAt, s.id),
    byId: (id) => {
      const r = byId.get(id) as (Row & { deleted_at: number | null }) | undefined;
      return r && toService(r);
    },
    list: () => (list.all() as (Row & { deleted_at: number | null })[]).map(toService),
  };
}
