/**
 * OTE-stack applications and deployments in core words. An app version is a container recipe; a
 * deployment runs one app version on the nodes its labels select, as single-task service
 * workloads pinned to nodes (one workload = one replica), so scaling, daemon-set following and
 * rolling upgrades are made of submitting and stopping replicas. Times are Unix milliseconds.
 */

export type AppKind = "deployment" | "daemonset";

export interface OteApp {
  id: number;
  namespace: string;
  name: string;
  /** Full version `<main>.<count>`: the "x.x" main version plus an automatic counter. */
  version: string;
  mainVersion: string;
  kind: AppKind;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  ports: { containerPort: number; hostPort: number; protocol: "tcp" | "udp" }[];
  /** Replicas per cluster (kind deployment). @default 1 */
  replicas: number;
  /** CPU limit per replica, millicores. @default 80 */
  cpu: number;
  /** Memory limit per replica, MiB. @default 4096 */
  memory: number;
  isHPA: boolean;
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation of the limit, percent. @default 80 */
  hpaCpuTarget: number;
  /** Target average memory utilisation of the limit, percent. @default 80 */
  hpaMemoryTarget: number;
  /** A new replica counts as available after running this long. @default 10 */
  minReadySeconds: number;
  /** Replicas above the desired count an upgrade may run. @default 1 */
  maxSurge: number;
  /** Replicas below the desired count an upgrade may leave. @default 0 */
  maxUnavailable: number;
  description: string;
  /** External repository whose credentials pull the image; null: the hub's registry or public. */
  externalRepoId: number | null;
  owner: string;
  createdAt: number;
  updatedAt: number;
}

/** OTE deploy operation codes (tb_deploy_info.deploy_type). */
export const DeployOp = { create: 0, upgrade: 1, rollback: 2, delete: 3 } as const;
export type DeployOpCode = (typeof DeployOp)[keyof typeof DeployOp];

/** Deployment status codes (README: OTE-stack compatibility). */
export const DeployStatus = {
  waitingAudit: 0,
  notApproved: 1,
  deploying: 2,
  running: 3,
  failed: 4,
  deleted: 5,
} as const;
export type DeployStatusCode = (typeof DeployStatus)[keyof typeof DeployStatus];

export interface DeployHistoryEntry {
  op: DeployOpCode;
  version: string;
  by: string;
  at: number;
  /** "approved", "rejected", "auto" (admin auto-deploy) or "pending". */
  audit: "pending" | "approved" | "rejected" | "auto";
  comment: string;
  auditComment: string;
}

export interface OteDeployment {
  id: number;
  name: string;
  namespace: string;
  owner: string;
  appName: string;
  kind: AppKind;
  /** Version in effect (what the controller converges to); null before the first approval. */
  version: string | null;
  /** Operation waiting for audit; null when none. */
  pending: { op: DeployOpCode; version: string } | null;
  clusterLabel: string;
  nodeLabel: string;
  /** Desired replicas per cluster (kind deployment; HPA moves it). */
  replicas: number;
  status: DeployStatusCode;
  lastOp: DeployOpCode;
  comment: string;
  auditComment: string;
  history: DeployHistoryEntry[];
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface ExternalRepo {
  id: number;
  name: string;
  /** Registry host[:port] as it appears at the start of image references. */
  address: string;
  username: string;
  /** AES-256-GCM ciphertext (see SecretBox); never leaves the hub. */
  passwordSealed: string;
  owner: string;
  createdAt: number;
}

export interface HelmChart {
  id: number;
  namespace: string;
  name: string;
  version: string;
  fileName: string;
  sizeBytes: number;
  content: Buffer;
  owner: string;
  createdAt: number;
}

export interface OteStackRepository {
  insertApp(app: Omit<OteApp, "id">): OteApp;
  apps(): OteApp[];
  deleteApp(id: number): void;
  insertDeployment(d: Omit<OteDeployment, "id">): OteDeployment;
  updateDeployment(d: OteDeployment): void;
  deployments(): OteDeployment[];
  deploymentById(id: number): OteDeployment | undefined;
  insertExternalRepo(r: Omit<ExternalRepo, "id">): ExternalRepo;
  externalRepos(): ExternalRepo[];
  deleteExternalRepo(id: number): void;
  insertChart(c: Omit<HelmChart, "id">): HelmChart;
  charts(): Omit<HelmChart, "content">[];
}
