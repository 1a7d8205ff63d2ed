import type { ImageRecord, ImageStatus } from "../core/image-model";
import type { ImageRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  reference: string;
  owner: string;
  quota_unit_id: string | null;
  description: string;
  status: string;
  status_message: string;
  meta: string;
  created_at: number;
  updated_at: number;
}

const fromRow = (r: Row): ImageRecord => ({
  id: r.id,
  reference: r.reference,
  owner: r.owner,
  quotaUnitId: r.quota_unit_id,
  description: r.description,
  status: r.status as ImageStatus,
  statusMessage: r.status_message,
  meta: JSON.parse(r.meta) as Record<string, unknown>,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function imageRepository(db: Db): ImageRepository {
  const insert = db.prepare(
    `INSERT INTO images (id, reference, owner, quota_unit_id, description, status, status_message, meta, created_at, updated_at)
     VALUES (@id, @reference, @owner, @quotaUnitId, @description, @status, @statusMessage, @meta, @createdAt, @updatedAt)`,
  );
  const update = db.prepare(
    `UPDATE images SET description = @description, status = @status, status_message = @statusMessage,
       meta = @meta, updated_at = @updatedAt WHERE id = @id`,
  );
  const byId = db.prepare(`SELECT * FROM images WHERE id = ?`);
  const list = db.prepare(`SELECT * FROM images ORDER BY created_at, rowid`);
  const del = db.prepare(`DELETE FROM images WHERE id = ?`);
  const params = (i: ImageRecord) => ({ ...i, meta: JSON.stringify(i.meta) });
  return {
    insert: (i) => void insert.run(params(i)),
    update: (i) => void update.run(params(i)),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && fromRow(row);
    },
    list: () => (list.all() as Row[]).map(fromRow),
    delete: (id) => void del.run(id),
  };
}
