import type {
  ExternalRepo,
  HelmChart,
  OteApp,
  OteDeployment,
  OteStackRepository,
} from "../core/deployments/model";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface BodyRow {
  id: number;
  body: string;
}

interface RepoRow {
  id: number;
  name: string;
  address: string;
  username: string;
  password_sealed: string;
  owner: string;
  created_at: number;
}

/** OTE-stack rows: apps and deployments keep their fields as one JSON body beside indexed keys. */
export function oteStackRepository(db: Db): OteStackRepository {
  const insertApp = db.prepare(
    "INSERT INTO ote_apps (namespace, name, version, body, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const apps = db.prepare("SELECT id, body FROM ote_apps ORDER BY id");
  const deleteApp = db.prepare("DELETE FROM ote_apps WHERE id = ?");
  const insertDeploy = db.prepare(
    "INSERT INTO ote_deployments (name, namespace, body, deleted_at, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const updateDeploy = db.prepare("UPDATE ote_deployments SET body = ?, deleted_at = ? WHERE id = ?");
  const deploys = db.prepare("SELECT id, body FROM ote_deployments ORDER BY id");
  const deployById = db.prepare("SELECT id, body FROM ote_deployments WHERE id = ?");
  const insertRepo = db.prepare(
    `INSERT INTO ote_external_repos (name, address, username, password_sealed, owner, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const repos = db.prepare("SELECT * FROM ote_external_repos ORDER BY id");
  const deleteRepo = db.prepare("DELETE FROM ote_external_repos WHERE id = ?");
  const insertChart = db.prepare(
    `INSERT INTO ote_charts (namespace, name, version, file_name, size_bytes, content, owner, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const charts = db.prepare(
    "SELECT id, namespace, name, version, file_name, size_bytes, owner, created_at FROM ote_charts ORDER BY id",
  );
  const toDeploy = (r: BodyRow): OteDeployment => ({
    ...parseJson<OteDeployment>(r.body, {} as never),
    id: r.id,
  });
  return {
    insertApp: (a) => {
      const id = Number(
        insertApp.run(a.namespace, a.name, a.version, JSON.stringify(a), a.createdAt).lastInsertRowid,
      );
      return { ...a, id };
    },
    apps: () =>
      (apps.all() as BodyRow[]).map((r) => ({ ...parseJson<OteApp>(r.body, {} as never), id: r.id })),
    deleteApp: (id) => void deleteApp.run(id),
    insertDeployment: (d) => {
      const id = Number(
        insertDeploy.run(d.name, d.namespace, JSON.stringify(d), d.deletedAt, d.createdAt).lastInsertRowid,
      );
      return { ...d, id };
    },
    updateDeployment: (d) => void updateDeploy.run(JSON.stringify(d), d.deletedAt, d.id),
    deployments: () => (deploys.all() as BodyRow[]).map(toDeploy),
    deploymentById: (id) => {
      const r = deployById.get(id) as BodyRow | undefined;
      return r && toDeploy(r);
    },
    insertExternalRepo: (r) => {
      const id = Number(
        insertRepo.run(r.name, r.address, r.username, r.passwordSealed, r.owner, r.createdAt).lastInsertRowid,
      );
      return { ...r, id };
    },
    externalRepos: () =>
      (repos.all() as RepoRow[]).map((r): ExternalRepo => ({
        id: r.id,
        name: r.name,
        address: r.address,
        username: r.username,
        passwordSealed: r.password_sealed,
        owner: r.owner,
        createdAt: r.created_at,
      })),
    deleteExternalRepo: (id) => void deleteRepo.run(id),
    insertChart: (c: Omit<HelmChart, "id">) => {
      const id = Number(
        insertChart.run(
          c.namespace,
          c.name,
          c.version,
          c.fileName,
          c.sizeBytes,
          c.content,
          c.owner,
          c.createdAt,
        ).lastInsertRowid,
      );
      return { ...c, id };
    },
    charts: () =>
      (
        charts.all() as {
          id: number;
          namespace: string;
          name: string;
          version: string;
          file_name: string;
          size_bytes: number;
          owner: string;
          created_at: number;
        }[]
      ).map((r) => ({
        id: r.id,
        namespace: r.namespace,
        name: r.name,
        version: r.version,
        fileName: r.file_name,
        sizeBytes: r.size_bytes,
        owner: r.owner,
        createdAt: r.created_at,
      })),
  };
}
