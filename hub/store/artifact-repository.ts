import type { ArtifactInfo } from "../core/artifact-model";
import type { ArtifactRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  kind: string;
  scope: string;
  name: string;
  version: string;
  file_name: string;
  size_bytes: number;
  owner: string;
  created_at: number;
}

export function artifactRepository(db: Db): ArtifactRepository {
  const insert = db.prepare(
    `INSERT INTO artifacts (id, kind, scope, name, version, file_name, size_bytes, content, owner, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const list = db.prepare(
    `SELECT id, kind, scope, name, version, file_name, size_bytes, owner, created_at
     FROM artifacts WHERE kind = ? ORDER BY created_at, rowid`,
  );
  return {
    insert: (a) =>
      void insert.run(
        a.id,
        a.kind,
        a.scope,
        a.name,
        a.version,
        a.fileName,
        a.sizeBytes,
        a.content,
        a.owner,
        a.createdAt,
      ),
    list: (kind) =>
      (list.all(kind) as Row[]).map((r): ArtifactInfo => ({
        id: r.id,
        kind: r.kind,
        scope: r.scope,
        name: r.name,
        version: r.version,
        fileName: r.file_name,
        sizeBytes: r.size_bytes,
        owner: r.owner,
        createdAt: r.created_at,
      })),
  };
}
