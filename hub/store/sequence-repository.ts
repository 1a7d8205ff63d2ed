import type { SequenceRepository } from "../core/repositories";
import type { Db } from "./database";

/** Named integer sequences (migration 010): one row per name holding the last value handed out. */
export function sequenceRepository(db: Db): SequenceRepository {
  const next = db.prepare(
    `INSERT INTO sequences (name, value) VALUES (?, 1)
     ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
  );
  return { next: (name) => (next.get(name) as { value: number }).value };
}
