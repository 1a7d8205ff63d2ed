import type { User, UserStatus } from "../core/model";
import type { UserRepository } from "../core/repositories";
import type { Db } from "./database";
import { bool, int, parseJson } from "./rows";

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  admin: number;
  email: string;
  groups: string;
  status: UserStatus;
  extension: string;
  created_at: number;
  updated_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  admin: bool(r.admin),
  email: r.email,
  groups: parseJson(r.groups, []),
  status: r.status,
  extension: parseJson(r.extension, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const params = (u: User) => ({
  id: u.id,
  username: u.username,
  password_hash: u.passwordHash,
  admin: int(u.admin),
  email: u.email,
  groups: JSON.stringify(u.groups),
  status: u.status,
  extension: JSON.stringify(u.extension),
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

export function userRepository(db: Db): UserRepository {
  const insert = db.prepare(
    `INSERT INTO users (id, username, password_hash, admin, email, groups, status, extension, created_at, updated_at)
     VALUES (@id, @username, @password_hash, @admin, @email, @groups, @status, @extension, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE users SET username=@username, password_hash=@password_hash, admin=@admin, email=@email,
     groups=@groups, status=@status, extension=@extension, updated_at=@updated_at WHERE id=@id`,
  );
  const byId = db.prepare("SELECT * FROM users WHERE id = ?");
  const byUsername = db.prepare("SELECT * FROM users WHERE username = ?");
  const list = db.prepare("SELECT * FROM users ORDER BY username");
  const del = db.prepare("DELETE FROM users WHERE id = ?");
  return {
    insert: (u) => void insert.run(params(u)),
    update: (u) => void update.run(params(u)),
    delete: (id) => void del.run(id),
    byId: (id) => {
      const r = byId.get(id) as UserRow | undefined;
      return r && toUser(r);
    },
    byUsername: (name) => {
      const r = byUsername.get(name) as UserRow | undefined;
      return r && toUser(r);
    },
    list: () => (list.all() as UserRow[]).map(toUser),
  };
}
