import type { RegistryCredential } from "../core/registry-credential-model";
import type { RegistryCredentialRepository } from "../core/repositories";
import type { Db } from "./database";

interface Row {
  id: string;
  name: string;
  address: string;
  username: string;
  password_sealed: string;
  owner: string;
  created_at: number;
}

export function registryCredentialRepository(db: Db): RegistryCredentialRepository {
  const insert = db.prepare(
    `INSERT INTO registry_credentials (id, name, address, username, password_sealed, owner, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const list = db.prepare("SELECT * FROM registry_credentials ORDER BY created_at, rowid");
  const del = db.prepare("DELETE FROM registry_credentials WHERE id = ?");
  const updateSealed = db.prepare("UPDATE registry_credentials SET password_sealed = ? WHERE id = ?");
  return {
    insert: (c) =>
      void insert.run(c.id, c.name, c.address, c.username, c.passwordSealed, c.owner, c.createdAt),
    list: () =>
      (list.all() as Row[]).map((r): RegistryCredential => ({
        id: r.id,
        name: r.name,
        address: r.address,
        username: r.username,
        passwordSealed: r.password_sealed,
        owner: r.owner,
        createdAt: r.created_at,
      })),
    delete: (id) => void del.run(id),
    updateSealed: (id, sealed) => void updateSealed.run(sealed, id),
  };
}
