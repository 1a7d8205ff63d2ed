import type { NodeReservation } from "../core/node-reservation-model";
import type { NodeReservationRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  node_id: string;
  holder_id: string;
  name: string;
  stopped: number;
  meta: string;
  since: number;
  updated_at: number;
}

const fromRow = (r: Row): NodeReservation => ({
  id: r.id,
  nodeId: r.node_id,
  holderId: r.holder_id,
  name: r.name,
  stopped: r.stopped === 1,
  meta: JSON.parse(r.meta) as Record<string, unknown>,
  since: r.since,
  updatedAt: r.updated_at,
});

export function nodeReservationRepository(db: Db): NodeReservationRepository {
  const insert = db.prepare(
    `INSERT INTO node_reservations (id, node_id, holder_id, name, stopped, meta, since, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    "UPDATE node_reservations SET name = ?, stopped = ?, meta = ?, updated_at = ? WHERE id = ?",
  );
  const byId = db.prepare("SELECT * FROM node_reservations WHERE id = ?");
  const byNode = db.prepare("SELECT * FROM node_reservations WHERE node_id = ?");
  const list = db.prepare("SELECT * FROM node_reservations ORDER BY since, rowid");
  const del = db.prepare("DELETE FROM node_reservations WHERE id = ?");
  const one = (r: unknown) => (r ? fromRow(r as Row) : undefined);
  return {
    insert: (r) =>
      void insert.run(
        r.id,
        r.nodeId,
        r.holderId,
        r.name,
        r.stopped ? 1 : 0,
        JSON.stringify(r.meta),
        r.since,
        r.updatedAt,
      ),
    update: (r) => void update.run(r.name, r.stopped ? 1 : 0, JSON.stringify(r.meta), r.updatedAt, r.id),
    byId: (id) => one(byId.get(id)),
    byNode: (nodeId) => one(byNode.get(nodeId)),
    list: () => (list.all() as Row[]).map(fromRow),
    delete: (id) => void del.run(id),
  };
}
