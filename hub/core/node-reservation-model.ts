/**
 * A node leased whole to one user (a ModelArts Lite Server): while the reservation stands, the
 * scheduler places on the node only the holder's tasks pinned to it (docs/architecture.md §2).
 */
export interface NodeReservation {
  /** The lease's own id (the Lite Server id): a UUID. */
  id: string;
  /** The node held; one reservation per node at most. */
  nodeId: string;
  /** User id of the holder. */
  holderId: string;
  /** The holder's name for it (renamable). */
  name: string;
  /** The holder stopped it: the node is cordoned and its work drained until started again. */
  stopped: boolean;
  /** Surface-specific extras (the flavor and image asked for...), keyed by surface. */
  meta: Record<string, unknown>;
  /** When the node was reserved (ms). */
  since: number;
  updatedAt: number;
}
