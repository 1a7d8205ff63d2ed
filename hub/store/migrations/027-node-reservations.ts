import type { Migration } from "./migration";

/**
 * Nodes leased whole to one user (ModelArts Lite Servers): node -> holder, lease id, since. A node
 * has one reservation at most (the UNIQUE node_id); the row goes when the lease is released.
 */
export const nodeReservations: Migration = {
  version: 27,
  name: "node-reservations",
  sql: `
    CREATE TABLE node_reservations (
      id TEXT PRIMARY KEY,
      node_id TEXT NOT NULL UNIQUE,
      holder_id TEXT NOT NULL,
      name TEXT NOT NULL,
      stopped INTEGER NOT NULL DEFAULT 0,
      meta TEXT NOT NULL DEFAULT '{}',
      since INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX node_reservations_holder ON node_reservations (holder_id, since);
  `,
};
