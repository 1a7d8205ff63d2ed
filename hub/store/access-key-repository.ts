import type { AccessKey } from "../core/access-key-model";
import type { AccessKeyRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  user_id: string;
  description: string;
  secret_sealed: string;
  status: AccessKey["status"];
  created_at: number;
}

const fromRow = (r: Row): AccessKey => ({
  id: r.id,
  userId: r.user_id,
  description: r.description,
  secretSealed: r.secret_sealed,
  status: r.status,
  createdAt: r.created_at,
});

export function accessKeyRepository(db: Db): AccessKeyRepository {
  const insert = db.prepare(
    `INSERT INTO access_keys (id, user_id, description, secret_sealed, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const list = db.prepare("SELECT * FROM access_keys ORDER BY created_at, rowid");
  const byId = db.prepare("SELECT * FROM access_keys WHERE id = ?");
  const del = db.prepare("DELETE FROM access_keys WHERE id = ?");
  return {
    insert: (k) => void insert.run(k.id, k.userId, k.description, k.secretSealed, k.status, k.createdAt),
    list: () => (list.all() as Row[]).map(fromRow),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && fromRow(row);
    },
    delete: (id) => void del.run(id),
  };
}
