import type { TokenRecord } from "../core/model";
import type { TokenRepository } from "../core/repositories";
import type { Db } from "./database";

interface TokenRow {
  id: string;
  user_id: string;
  kind: TokenRecord["kind"];
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  auth_at: number | null;
}

const toToken = (r: TokenRow): TokenRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  ...(r.auth_at === null ? {} : { authAt: r.auth_at }),
});

export function tokenRepository(db: Db): TokenRepository {
  const insert = db.prepare(
    "INSERT INTO tokens (id, user_id, kind, created_at, expires_at, revoked_at, auth_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const byId = db.prepare("SELECT * FROM tokens WHERE id = ?");
  const listForUser = db.prepare("SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at");
  const revoke = db.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  const revokeAll = db.prepare(
    "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND revoked_at IS NULL AND id != ?",
  );
  return {
    insert: (t) =>
      void insert.run(t.id, t.userId, t.kind, t.createdAt, t.expiresAt, t.revokedAt, t.authAt ?? null),
    byId: (id) => {
      const r = byId.get(id) as TokenRow | undefined;
      return r && toToken(r);
    },
    listForUser: (userId) => (listForUser.all(userId) as TokenRow[]).map(toToken),
    revoke: (id, at) => void revoke.run(at, id),
    revokeAllForUser: (userId, kind, at, keepId) => revokeAll.run(at, userId, kind, keepId ?? "").changes,
  };
}
