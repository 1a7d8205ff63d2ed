import type { AuditEvent } from "../core/model";
import type { AuditRepository } from "../core/repositories";
import type { Db } from "./database";

interface AuditRow {
  seq: number;
  at: number;
  type: string;
  username: string | null;
  address: string | null;
  token_id: string | null;
  detail: string;
}

const toEvent = (r: AuditRow): AuditEvent => ({
  seq: r.seq,
  at: r.at,
  type: r.type,
  username: r.username,
  address: r.address,
  tokenId: r.token_id,
  detail: r.detail,
});

/** The audit trail (migration 021): append-only, pruned by age. */
export function auditRepository(db: Db): AuditRepository {
  const insert = db.prepare(
    "INSERT INTO audit_events (at, type, username, address, token_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const recent = db.prepare("SELECT * FROM audit_events ORDER BY seq DESC LIMIT ?");
  const prune = db.prepare("DELETE FROM audit_events WHERE at < ?");
  return {
    append: (e) => void insert.run(e.at, e.type, e.username, e.address, e.tokenId, e.detail),
    recent: (limit) => (recent.all(limit) as AuditRow[]).map(toEvent),
    prune: (before) => prune.run(before).changes,
  };
}
