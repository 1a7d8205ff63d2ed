import type { SurfaceIdRepository } from "../core/repositories";
import type { Db } from "./database";

/** Integer ids per key; the sequence table remembers the last one even after rows are gone. */
export function surfaceIdRepository(db: Db): SurfaceIdRepository {
  const find = db.prepare("SELECT id FROM surface_ids WHERE key = ? AND object_id = ?");
  const objectOf = db.prepare("SELECT object_id FROM surface_ids WHERE key = ? AND id = ?");
  const next = db.prepare(
    `INSERT INTO surface_id_sequences (key, last) VALUES (?, 1)
     ON CONFLICT(key) DO UPDATE SET last = last + 1 RETURNING last`,
  );
  const insert = db.prepare("INSERT INTO surface_ids (key, id, object_id) VALUES (?, ?, ?)");
  return {
    find: (key, objectId) => (find.get(key, objectId) as { id: number } | undefined)?.id,
    objectOf: (key, id) => (objectOf.get(key, id) as { object_id: string } | undefined)?.object_id,
    assign: (key, objectId) => {
      const { last } = next.get(key) as { last: number };
      insert.run(key, last, objectId);
      return last;
    },
  };
}
