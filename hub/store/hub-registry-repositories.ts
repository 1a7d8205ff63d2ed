import type { RegistryAccount, RegistryProject } from "../core/hub-registry-model";
import type { RegistryAccountRepository, RegistryProjectRepository } from "../core/repositories";
import type { Db } from "./database";

interface AccountRow {
  user_id: string;
  username: string;
  password_sealed: string;
  created_at: number;
  updated_at: number;
}

interface ProjectRow {
  id: string;
  name: string;
  public: number;
  owner: string;
  created_at: number;
}

const account = (r: AccountRow): RegistryAccount => ({
  userId: r.user_id,
  username: r.username,
  passwordSealed: r.password_sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Accounts for the hub's registry (migration 019); they go with their user. */
export function registryAccountRepository(db: Db): RegistryAccountRepository {
  const insert = db.prepare(
    `INSERT INTO registry_accounts (user_id, username, password_sealed, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    "UPDATE registry_accounts SET password_sealed = ?, updated_at = ? WHERE user_id = ?",
  );
  const byUser = db.prepare("SELECT * FROM registry_accounts WHERE user_id = ?");
  const byUsername = db.prepare("SELECT * FROM registry_accounts WHERE username = ?");
  return {
    insert: (a) => void insert.run(a.userId, a.username, a.passwordSealed, a.createdAt, a.updatedAt),
    update: (a) => void update.run(a.passwordSealed, a.updatedAt, a.userId),
    byUser: (userId) => {
      const r = byUser.get(userId) as AccountRow | undefined;
      return r ? account(r) : undefined;
    },
    byUsername: (username) => {
      const r = byUsername.get(username) as AccountRow | undefined;
      return r ? account(r) : undefined;
    },
  };
}

/** Projects of the hub's registry that people created (migration 019). */
export function registryProjectRepository(db: Db): RegistryProjectRepository {
  const insert = db.prepare(
    "INSERT INTO registry_projects (id, name, public, owner, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const list = db.prepare("SELECT * FROM registry_projects ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM registry_projects WHERE id = ?");
  return {
    insert: (p) => void insert.run(p.id, p.name, p.public ? 1 : 0, p.owner, p.createdAt),
    list: () =>
      (list.all() as ProjectRow[]).map((r): RegistryProject => ({
        id: r.id,
        name: r.name,
        public: r.public === 1,
        owner: r.owner,
        createdAt: r.created_at,
      })),
    delete: (id) => void del.run(id),
  };
}
