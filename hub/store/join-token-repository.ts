import type { JoinToken } from "../core/model";
import type { JoinTokenRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface JoinTokenRow {
  id: string;
  description: string;
  cluster: string | null;
  secret_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  allowed_labels: string | null;
}

const toJoinToken = (r: JoinTokenRow): JoinToken => ({
  id: r.id,
  description: r.description,
  cluster: r.cluster,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  // Optional field (issue 13): absent when NULL, so tokens read back as they were written.
  ...(r.allowed_labels === null ? {} : { allowedLabels: parseJson<string[] | null>(r.allowed_labels, null) }),
});

const params = (t: JoinToken) => ({
  id: t.id,
  description: t.description,
  cluster: t.cluster,
  secret_hash: t.secretHash,
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  revoked_at: t.revokedAt,
  last_used_at: t.lastUsedAt,
  allowed_labels: t.allowedLabels ? JSON.stringify(t.allowedLabels) : null,
});

export function joinTokenRepository(db: Db): JoinTokenRepository {
  const insert = db.prepare(
    `INSERT INTO join_tokens (id, description, cluster, secret_hash, created_at, expires_at, revoked_at, last_used_at,
       allowed_labels)
     VALUES (@id, @description, @cluster, @secret_hash, @created_at, @expires_at, @revoked_at, @last_used_at,
       @allowed_labels)`,
  );
  const update = db.prepare(
    `UPDATE join_tokens SET description=@description, cluster=@cluster, secret_hash=@secret_hash,
     expires_at=@expires_at, revoked_at=@revoked_at, last_used_at=@last_used_at WHERE id=@id`,
  );
  const byId = db.prepare("SELECT * FROM join_tokens WHERE id = ?");
  const list = db.prepare("SELECT * FROM join_tokens ORDER BY created_at");
  return {
    insert: (t) => void insert.run(params(t)),
    update: (t) => void update.run(params(t)),
    byId: (id) => {
      const r = byId.get(id) as JoinTokenRow | undefined;
      return r && toJoinToken(r);
    },
    list: () => (list.all() as JoinTokenRow[]).map(toJoinToken),
  };
}
