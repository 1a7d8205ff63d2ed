import type { App, AppApi, AppCode, AppGrant } from "../core/apps-model";
import type {
  AppApiRepository,
  AppCodeRepository,
  AppGrantRepository,
  AppRepository,
} from "../core/repositories";
import type { Db } from "./database";

interface AppRow {
  id: string;
  owner_id: string;
  name: string;
  remark: string;
  app_key: string;
  secret_sealed: string;
  created_at: number;
  updated_at: number;
}

const appFromRow = (r: AppRow): App => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  remark: r.remark,
  appKey: r.app_key,
  secretSealed: r.secret_sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function appRepository(db: Db): AppRepository {
  const insert = db.prepare(
    `INSERT INTO app_auth_apps (id, owner_id, name, remark, app_key, secret_sealed, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    "UPDATE app_auth_apps SET name = ?, remark = ?, secret_sealed = ?, updated_at = ? WHERE id = ?",
  );
  const byOwner = db.prepare("SELECT * FROM app_auth_apps WHERE owner_id = ? ORDER BY created_at, rowid");
  const byId = db.prepare("SELECT * FROM app_auth_apps WHERE id = ?");
  const byKey = db.prepare("SELECT * FROM app_auth_apps WHERE app_key = ?");
  const del = db.prepare("DELETE FROM app_auth_apps WHERE id = ?");
  const one = (row: unknown) => (row ? appFromRow(row as AppRow) : undefined);
  return {
    insert: (a) =>
      void insert.run(a.id, a.ownerId, a.name, a.remark, a.appKey, a.secretSealed, a.createdAt, a.updatedAt),
    update: (a) => void update.run(a.name, a.remark, a.secretSealed, a.updatedAt, a.id),
    listByOwner: (ownerId) => (byOwner.all(ownerId) as AppRow[]).map(appFromRow),
    byId: (id) => one(byId.get(id)),
    byKey: (key) => one(byKey.get(key)),
    delete: (id) => void del.run(id),
  };
}

interface CodeRow {
  id: string;
  app_id: string;
  code_hash: string;
  code_sealed: string;
  created_at: number;
}

const codeFromRow = (r: CodeRow): AppCode => ({
  id: r.id,
  appId: r.app_id,
  codeHash: r.code_hash,
  codeSealed: r.code_sealed,
  createdAt: r.created_at,
});

export function appCodeRepository(db: Db): AppCodeRepository {
  const insert = db.prepare(
    "INSERT INTO app_auth_codes (id, app_id, code_hash, code_sealed, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const byApp = db.prepare("SELECT * FROM app_auth_codes WHERE app_id = ? ORDER BY created_at, rowid");
  const byHash = db.prepare("SELECT * FROM app_auth_codes WHERE code_hash = ?");
  const del = db.prepare("DELETE FROM app_auth_codes WHERE id = ?");
  return {
    insert: (c) => void insert.run(c.id, c.appId, c.codeHash, c.codeSealed, c.createdAt),
    listByApp: (appId) => (byApp.all(appId) as CodeRow[]).map(codeFromRow),
    byHash: (hash) => {
      const row = byHash.get(hash) as CodeRow | undefined;
      return row && codeFromRow(row);
    },
    delete: (id) => void del.run(id),
  };
}

interface ApiRow {
  id: string;
  service_id: string;
  service_name: string;
  name: string;
  remark: string;
  path: string;
  method: string;
  auth_type: "APP";
  support_app_code: number;
  created_at: number;
}

const apiFromRow = (r: ApiRow): AppApi => ({
  id: r.id,
  serviceId: r.service_id,
  serviceName: r.service_name,
  name: r.name,
  remark: r.remark,
  path: r.path,
  method: r.method,
  authType: r.auth_type,
  supportAppCode: r.support_app_code === 1,
  createdAt: r.created_at,
});

export function appApiRepository(db: Db): AppApiRepository {
  const insert = db.prepare(
    `INSERT INTO app_auth_apis
       (id, service_id, service_name, name, remark, path, method, auth_type, support_app_code, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byService = db.prepare("SELECT * FROM app_auth_apis WHERE service_id = ? ORDER BY created_at, rowid");
  const byId = db.prepare("SELECT * FROM app_auth_apis WHERE id = ?");
  const del = db.prepare("DELETE FROM app_auth_apis WHERE id = ?");
  return {
    insert: (a) =>
      void insert.run(
        a.id,
        a.serviceId,
        a.serviceName,
        a.name,
        a.remark,
        a.path,
        a.method,
        a.authType,
        a.supportAppCode ? 1 : 0,
        a.createdAt,
      ),
    listByService: (serviceId) => (byService.all(serviceId) as ApiRow[]).map(apiFromRow),
    byId: (id) => {
      const row = byId.get(id) as ApiRow | undefined;
      return row && apiFromRow(row);
    },
    delete: (id) => void del.run(id),
  };
}

interface GrantRow {
  id: string;
  api_id: string;
  app_id: string;
  created_at: number;
}

const grantFromRow = (r: GrantRow): AppGrant => ({
  id: r.id,
  apiId: r.api_id,
  appId: r.app_id,
  createdAt: r.created_at,
});

export function appGrantRepository(db: Db): AppGrantRepository {
  const insert = db.prepare(
    "INSERT INTO app_auth_grants (id, api_id, app_id, created_at) VALUES (?, ?, ?, ?)",
  );
  const byApi = db.prepare("SELECT * FROM app_auth_grants WHERE api_id = ? ORDER BY created_at, rowid");
  const byApp = db.prepare("SELECT * FROM app_auth_grants WHERE app_id = ? ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM app_auth_grants WHERE id = ?");
  return {
    insert: (g) => void insert.run(g.id, g.apiId, g.appId, g.createdAt),
    listByApi: (apiId) => (byApi.all(apiId) as GrantRow[]).map(grantFromRow),
    listByApp: (appId) => (byApp.all(appId) as GrantRow[]).map(grantFromRow),
    delete: (id) => void del.run(id),
  };
}
