/**
 * What the core needs from storage. hub/store implements these over SQLite; a PostgreSQL store can
 * implement them later for several hub replicas (docs/architecture.md §5). Every method is synchronous because
 * the embedded store is; an async store would wrap core calls, not change their shape.
 */
import type {
  Cluster,
  Group,
  NodePool,
  QuotaUnit,
  JoinToken,
  NodeCertificate,
  Node,
  NodeMetrics,
  NodeStatus,
  PastJobAttempt,
  PreemptionRecord,
  ProjectSample,
  Task,
  TaskMetricPoint,
  TaskStateCount,
  TokenRecord,
  User,
  Workload,
  WorkloadEvent,
} from "./model";
import type { Artifact, ArtifactInfo } from "./artifact-model";
import type { ImageRecord } from "./image-model";
import type { JobTemplate } from "./job-template-model";
import type { AuditEvent } from "./model";
import type { ClusterRecord } from "./model";
import type { RegistryCredential } from "./registry-credential-model";
import type { RegistryAccount, RegistryProject } from "./hub-registry-model";
import type { AccessKey } from "./access-key-model";
import type { ReplicatedService, ServiceTemplate } from "./services/model";
import type { NodeReservation } from "./node-reservation-model";
import type { App, AppApi, AppCode, AppGrant } from "./apps-model";
import type { InferenceModel } from "./inference-model-model";

export interface UserRepository {
  insert(user: User): void;
  update(user: User): void;
  delete(id: string): void;
  byId(id: string): User | undefined;
  byUsername(username: string): User | undefined;
  list(): User[];
}

export interface TokenRepository {
  insert(token: TokenRecord): void;
  byId(id: string): TokenRecord | undefined;
  listForUser(userId: string): TokenRecord[];
  revoke(id: string, at: number): void;
  /** Revokes every live token of the user of this kind except `keepId`. Returns how many. */
  revokeAllForUser(userId: string, kind: TokenRecord["kind"], at: number, keepId?: string): number;
}

export interface AuditRepository {
  append(event: Omit<AuditEvent, "seq">): void;
  /** Newest first, at most `limit`. */
  recent(limit: number): AuditEvent[];
  /** Drops events older than `before` (ms); returns how many. */
  prune(before: number): number;
}

export interface JoinTokenRepository {
  insert(token: JoinToken): void;
  byId(id: string): JoinToken | undefined;
  list(): JoinToken[];
  update(token: JoinToken): void;
}

export interface NodeCertificateRepository {
  insert(cert: NodeCertificate): void;
  bySerial(serial: string): NodeCertificate | undefined;
  /** Revokes every unrevoked certificate of the node, except `keepSerial`. Returns how many. */
  revokeForNode(nodeId: string, at: number, keepSerial?: string): number;
  /** Whether the node has a certificate for the key `keySha256` that is unrevoked and unexpired at `now`. */
  liveWithKey(nodeId: string, keySha256: string, now: number): boolean;
}

export interface ClusterRepository {
  insert(cluster: Cluster): void;
  update(cluster: Cluster): void;
  byId(id: string): Cluster | undefined;
  byName(name: string): Cluster | undefined;
  list(): Cluster[];
  /**
   * Removes the row (ClusterService.remove checks nothing live refers to it first); one that
   * removed nodes still refer to stays as a tombstone at `at` (ms), found by id only.
   */
  delete(id: string, at: number): void;
}

/** Records kept about a cluster (migration 025). */
export interface ClusterRecordRepository {
  /** Insert or update by (clusterId, kind, name). */
  save(record: ClusterRecord): void;
  get(clusterId: string, kind: string, name: string): ClusterRecord | undefined;
  /** Of one cluster and kind, oldest first. */
  list(clusterId: string, kind: string): ClusterRecord[];
  /** Of one kind across clusters, oldest first. */
  listKind(kind: string): ClusterRecord[];
  delete(clusterId: string, kind: string, name: string): void;
  deleteCluster(clusterId: string): void;
}

export interface NodeRepository {
  insert(node: Node): void;
  /** Structural update (labels, cordon, hardware, credential...). */
  update(node: Node): void;
  list(): Node[];
  /** Batched liveness write: status, status time and last-seen time of many nodes in one go. */
  writeLiveness(
    rows: { id: string; status: NodeStatus; statusChangedAt: number; lastSeenAt: number | null }[],
  ): void;
  /** Batched metric samples (latest per node kept on the node; history for the metrics endpoints). */
  writeMetrics(rows: { nodeId: string; metrics: NodeMetrics }[]): void;
  /** Stored samples of one node with `from <= sampledAt < to` (Unix ms), oldest first. */
  metricsHistory(nodeId: string, from: number, to: number): NodeMetrics[];
}

export interface WorkloadQuery {
  owner?: string;
  states?: string[];
  limit?: number;
  /** Only workloads after this one in the list's order (newest first: createdAt, then id, both descending). */
  after?: { createdAt: number; id: string };
}

export interface WorkloadRepository {
  insert(workload: Workload): void;
  update(workload: Workload): void;
  byId(id: string): Workload | undefined;
  /** Ids starting with `prefix`, at most `limit`. */
  idsByPrefix(prefix: string, limit: number): string[];
  byOwnerAndName(owner: string, name: string): Workload | undefined;
  list(query: WorkloadQuery): Workload[];
  /** The ids of list()'s workloads, in its order (no row read: pages find cached JSON by id). */
  listIds(query: WorkloadQuery): string[];
  /** Number of workloads in each state (for /metrics). */
  countByState(): Record<string, number>;
  /** Role instances of `owner`'s unfinished workloads (pending, running, stopping) together. */
  liveInstancesOf(owner: string): number;
}

export interface TaskRepository {
  insert(task: Task): void;
  update(task: Task): void;
  byId(id: string): Task | undefined;
  byWorkload(workloadId: string): Task[];
  /** Tasks in one of `states`. */
  byStates(states: readonly string[]): Task[];
  byNode(nodeId: string, states: readonly string[]): Task[];
  /** The tasks of each workload in `workloadIds` (one query; ordered by workload, role, index). */
  byWorkloads(workloadIds: readonly string[]): Task[];
  /**
   * How many of the workload's tasks are in each state, per role (only non-zero counts), kept
   * current by the store on every task write: settling a workload costs O(roles x states), not
   * O(tasks).
   */
  stateCounts(workloadId: string): TaskStateCount[];
}

export interface EventRepository {
  append(event: Omit<WorkloadEvent, "id">): void;
  byWorkload(workloadId: string, limit: number): WorkloadEvent[];
  /** The newest `limit` events of all workloads (of `owner`'s only, when given), oldest first. */
  recent(limit: number, owner?: string): WorkloadEvent[];
  /** Events of every workload with id > afterId and since <= at < until, oldest first, at most limit. */
  list(query: EventQuery): WorkloadEvent[];
}

export interface EventQuery {
  afterId?: number;
  since?: number;
  until?: number;
  type?: WorkloadEvent["type"];
  limit: number;
}

export interface NodePoolRepository {
  /** Insert or update by id. */
  save(pool: NodePool): void;
  list(): NodePool[];
  delete(id: string): void;
}

export interface QuotaUnitRepository {
  /** Insert or update by id; (kind, name) is unique. */
  save(unit: QuotaUnit): void;
  byId(id: string): QuotaUnit | undefined;
  byName(kind: QuotaUnit["kind"], name: string): QuotaUnit | undefined;
  list(): QuotaUnit[];
  delete(id: string): void;
}

export interface GroupRepository {
  save(group: Group): void;
  byName(name: string): Group | undefined;
  list(): Group[];
  delete(name: string): void;
}

export interface SettingsRepository {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

export interface JobAttemptRepository {
  insert(attempt: PastJobAttempt): void;
  /** Oldest first. */
  byWorkload(workloadId: string): PastJobAttempt[];
}

/** Per-task one-minute usage points (migration 012), bounded by a retention. */
export interface TaskMetricsRepository {
  /** Upserts points; one for a (task, minute) already stored merges with it, weighted by samples. */
  write(points: readonly TaskMetricPoint[]): void;
  /** The task's points with from <= at < to, oldest first. */
  range(taskId: string, from: number, to: number): TaskMetricPoint[];
  /** Deletes every point older than `before` (Unix ms); returns how many. */
  prune(before: number): number;
}

export interface ServiceTemplateRepository {
  insert(template: ServiceTemplate): void;
  /** Oldest first. */
  list(): ServiceTemplate[];
  delete(id: string): void;
}

export interface ReplicatedServiceRepository {
  insert(service: ReplicatedService): void;
  update(service: ReplicatedService): void;
  byId(id: string): ReplicatedService | undefined;
  /** Oldest first, deleted ones included. */
  list(): ReplicatedService[];
}

export interface RegistryCredentialRepository {
  insert(credential: RegistryCredential): void;
  /** Oldest first. */
  list(): RegistryCredential[];
  delete(id: string): void;
  /** Replaces the sealed password (a sealing-key rotation seals it anew). */
  updateSealed(id: string, passwordSealed: string): void;
}

export interface RegistryAccountRepository {
  insert(account: RegistryAccount): void;
  /** Changes the sealed password and updatedAt. */
  update(account: RegistryAccount): void;
  byUser(userId: string): RegistryAccount | undefined;
  byUsername(username: string): RegistryAccount | undefined;
}

export interface RegistryProjectRepository {
  insert(project: RegistryProject): void;
  /** Oldest first. */
  list(): RegistryProject[];
  delete(id: string): void;
}

export interface AccessKeyRepository {
  insert(key: AccessKey): void;
  /** Oldest first. */
  list(): AccessKey[];
  byId(id: string): AccessKey | undefined;
  delete(id: string): void;
}

/** APIG apps of app authentication (migration 023). */
export interface AppRepository {
  insert(app: App): void;
  update(app: App): void;
  /** Oldest first. */
  listByOwner(ownerId: string): App[];
  byId(id: string): App | undefined;
  byKey(appKey: string): App | undefined;
  delete(id: string): void;
}

/** App codes (migration 023). */
export interface AppCodeRepository {
  insert(code: AppCode): void;
  /** Oldest first. */
  listByApp(appId: string): AppCode[];
  byHash(codeHash: string): AppCode | undefined;
  delete(id: string): void;
}

/** APIs registered for real-time services (migration 023). */
export interface AppApiRepository {
  insert(api: AppApi): void;
  /** Oldest first. */
  listByService(serviceId: string): AppApi[];
  byId(id: string): AppApi | undefined;
  delete(id: string): void;
}

/** Which apps may call which registered APIs (migration 023). */
export interface AppGrantRepository {
  insert(grant: AppGrant): void;
  /** Oldest first. */
  listByApi(apiId: string): AppGrant[];
  listByApp(appId: string): AppGrant[];
  delete(id: string): void;
}

export interface ArtifactRepository {
  insert(artifact: Artifact): void;
  /** Oldest first, without their content. */
  list(kind: string): ArtifactInfo[];
}

export interface ImageRepository {
  insert(image: ImageRecord): void;
  update(image: ImageRecord): void;
  byId(id: string): ImageRecord | undefined;
  /** Oldest first. */
  list(): ImageRecord[];
  delete(id: string): void;
}

/** Reusable batch-job definitions (migration 018). */
export interface JobTemplateRepository {
  insert(template: JobTemplate): void;
  update(template: JobTemplate): void;
  byId(id: string): JobTemplate | undefined;
  /** Oldest first. */
  list(scope: string): JobTemplate[];
  delete(id: string): void;
}

/** Servable models (migration 024). */
export interface InferenceModelRepository {
  insert(model: InferenceModel): void;
  update(model: InferenceModel): void;
  byId(id: string): InferenceModel | undefined;
  /** Oldest first. */
  list(): InferenceModel[];
  delete(id: string): void;
}

/** Calls counted per inference target (migration 024). */
export interface InvocationCountRepository {
  list(): { targetId: string; count: number }[];
  /** Upserts each row's total. */
  saveMany(rows: readonly { targetId: string; count: number; at: number }[]): void;
  delete(targetId: string): void;
}

/** Integer sequences per key (`<surface>/<kind>`), from 1, never reused. */
export interface SurfaceIdRepository {
  find(key: string, objectId: string): number | undefined;
  objectOf(key: string, id: number): string | undefined;
  /** Gives the object the key's next integer (the caller knows it has none). */
  assign(key: string, objectId: string): number;
}

export interface PreemptionRepository {
  insert(p: PreemptionRecord): void;
  finish(taskId: string, attempt: number, at: number): void;
  open(): PreemptionRecord[];
  countByWorkload(workloadId: string): number;
  countByTask(taskId: string): number;
  /** countByWorkload() of each of `workloadIds` in one query (absent: 0). */
  countByWorkloads(workloadIds: readonly string[]): Map<string, number>;
}

export interface ProjectMetricsRepository {
  insertMany(samples: readonly ProjectSample[]): void;
  /** Samples with from <= at <= to, oldest first; unitId null: every unit. */
  range(unitId: string | null, from: number, to: number): ProjectSample[];
  /** Drops samples older than `before`. Returns how many. */
  prune(before: number): number;
}

/** Nodes leased whole to one user (migration 027): one row per reserved node. */
export interface NodeReservationRepository {
  insert(reservation: NodeReservation): void;
  /** Saves name, stopped and meta. */
  update(reservation: NodeReservation): void;
  byId(id: string): NodeReservation | undefined;
  byNode(nodeId: string): NodeReservation | undefined;
  /** Oldest first. */
  list(): NodeReservation[];
  delete(id: string): void;
}

export interface Store {
  users: UserRepository;
  tokens: TokenRepository;
  /** Logins, failures and token changes (migration 021). */
  audit: AuditRepository;
  joinTokens: JoinTokenRepository;
  /** Node client certificates by serial (migration 022). */
  nodeCertificates: NodeCertificateRepository;
  clusters: ClusterRepository;
  nodes: NodeRepository;
  workloads: WorkloadRepository;
  tasks: TaskRepository;
  events: EventRepository;
  settings: SettingsRepository;
  nodePools: NodePoolRepository;
  /** Records about clusters: tags, plug-ins, node configuration, networks (migration 025). */
  clusterRecords: ClusterRecordRepository;
  quotaUnits: QuotaUnitRepository;
  groups: GroupRepository;
  /** Preemptions asked by the fair-share scheduler (migration 004). */
  preemptions: PreemptionRepository;
  /** Per-project metric samples (Run:ai metrics). */
  projectMetrics: ProjectMetricsRepository;
  /** Past whole-workload attempts of every workload (migration 008). */
  jobAttempts: JobAttemptRepository;
  /** Per-task metrics history (migration 012). */
  taskMetrics: TaskMetricsRepository;
  /** Replicated services and the templates they roll out (migration 009). */
  serviceTemplates: ServiceTemplateRepository;
  replicatedServices: ReplicatedServiceRepository;
  registryCredentials: RegistryCredentialRepository;
  /** The hub's registry: users' accounts and created projects (migration 019). */
  registryAccounts: RegistryAccountRepository;
  registryProjects: RegistryProjectRepository;
  /** Permanent access keys (AK/SK) for signed requests (migration 016). */
  accessKeys: AccessKeyRepository;
  /** App authentication: apps, app codes, registered APIs, authorizations (migration 023). */
  apps: AppRepository;
  appCodes: AppCodeRepository;
  appApis: AppApiRepository;
  appGrants: AppGrantRepository;
  artifacts: ArtifactRepository;
  surfaceIds: SurfaceIdRepository;
  /** Registered container images (migration 017). */
  images: ImageRepository;
  jobTemplates: JobTemplateRepository;
  /** Nodes leased whole to one user: Lite Servers (migration 027). */
  nodeReservations: NodeReservationRepository;
  /** Servable models and inference call counts (migration 024). */
  inferenceModels: InferenceModelRepository;
  invocationCounts: InvocationCountRepository;
  /** Runs fn atomically: everything it wrote lands, or nothing does. */
  transaction<T>(fn: () => T): T;
  /** True when the store answers a trivial query. */
  ping(): boolean;
  close(): void;
}
