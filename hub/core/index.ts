import { AccessKeyService } from "./access-keys";
import { AppAuthService } from "./apps";
import { ArtifactService } from "./artifacts";
import { AuditLog } from "./audit";
import { AuthService } from "./auth";
import { AllocationLedger, trackAllocations } from "./allocation";
import { CapacityTotals } from "./capacity-totals";
import { trackWorkloadVersions, WorkloadVersions } from "./workload-versions";
import { Authorizer } from "./authz/authorizer";
import type { Clock } from "./clock";
import { ClusterService } from "./clusters";
import { ClusterRecords } from "./cluster-records";
import type { FailurePolicy } from "./services/health";
import { DesiredState } from "./desired";
import { NodeDrains } from "./drain";
import { NodeReservations } from "./node-reservations";
import { NodeRemovals } from "./node-removal";
import { NodeTaints } from "./node-taints";
import { EventLog } from "./event-log";
import { GroupService } from "./groups";
import { ImageCatalog } from "./images";
import { Installation } from "./installation";
import { JoinTokenService } from "./join-tokens";
import { JobTemplateService } from "./job-templates";
import { NodePoolService } from "./node-pools";
import { NodeCertificateService } from "./node-certificates";
import { NodeService, type NodeServiceOptions } from "./nodes";
import { PlacementLoop } from "./placement";
import { Preemptions } from "./preemption";
import { ProjectMetrics } from "./project-metrics";
import { QuotaUnitService } from "./quota-units";
import { REGISTRY_CREDENTIAL_PREFIX, RegistryCredentialService } from "./registry-credentials";
import { RegistryAccountService } from "./registry-accounts";
import { RegistryProjectService } from "./registry-projects";
import { SecretBox } from "./secret-box";
import { SettingsKeyRing, type KeyRing } from "./key-ring";
import type { Store } from "./repositories";
import { ServiceController } from "./services/controller";
import { ReplicatedServiceService } from "./services/services";
import { ServiceTemplateService } from "./services/templates";
import { CoreSignals } from "./signals";
import { SurfaceIds } from "./surface-ids";
import { SurfaceSettings } from "./surface-settings";
import { DEFAULT_RESTART_BACKOFF, TaskLifecycle } from "./task-lifecycle";
import { TaskMetricsService } from "./task-metrics";
import { UserService } from "./users";
import { WorkloadService } from "./workloads";
import { DEFAULT_WORKLOAD_LIMITS, type WorkloadLimits } from "./workload-limits";
import { TaskTunnels } from "./tunnels";
import { InferenceModelService } from "./inference-models";
import { InvocationCounts } from "./invocation-counts";

/** Every core service, wired over one store. Built once in hub/main.ts (and by test helpers). */
export interface Core {
  clock: Clock;
  /** True when the store answers (for /healthz). */
  ping(): boolean;
  /** Seals and opens stored secrets (registry passwords, job secrets) with the hub's key. */
  secretBox: SecretBox;
  signals: CoreSignals;
  auth: AuthService;
  /** Logins, their failures and token changes. */
  audit: AuditLog;
  users: UserService;
  joinTokens: JoinTokenService;
  /** Node client certificates by serial: issued, checked on Connect, revoked (issue 13). */
  nodeCertificates: NodeCertificateService;
  clusters: ClusterService;
  nodes: NodeService;
  lifecycle: TaskLifecycle;
  workloads: WorkloadService;
  desired: DesiredState;
  placement: PlacementLoop;
  nodePools: NodePoolService;
  /** What the nodes offer, summed over the cluster and per pool (kept until capacity changes). */
  capacity: CapacityTotals;
  quotaUnits: QuotaUnitService;
  groups: GroupService;
  /** Fair-share reclaims in flight and past (Run:ai preemption). */
  preemptions: Preemptions;
  /** Per-project allocation / utilisation series (Run:ai metrics). */
  projectMetrics: ProjectMetrics;
  /** Per-task usage: latest sample (memory) and one-minute history (batched to the store). */
  taskMetrics: TaskMetricsService;
  /** Replicated services (replica sets with revisions), the controller converging them, and
   * the versioned templates they roll out. */
  replicatedServices: ReplicatedServiceService;
  serviceController: ServiceController;
  serviceTemplates: ServiceTemplateService;
  /** Sealed credentials for private registries, resolved when a task is sent to its agent. */
  registryCredentials: RegistryCredentialService;
  /** Users' accounts for the hub's registry and the projects people created in it. */
  registryAccounts: RegistryAccountService;
  registryProjects: RegistryProjectService;
  /** Stored package files (helm charts). */
  artifacts: ArtifactService;
  /** Stable integer ids for surfaces whose clients expect them. */
  surfaceIds: SurfaceIds;
  /** Who may reach a task's ports and shell through its agent, and signed tunnel URLs. */
  tunnels: TaskTunnels;
  /** This install's stable identity (the ModelArts IAM project id). */
  installation: Installation;
  /** Registered container images people pick from (ModelArts images). */
  images: ImageCatalog;
  /** Permanent access keys (AK/SK) that signed requests (ModelArts SDK-HMAC) are checked with. */
  accessKeys: AccessKeyService;
  /** App authentication: apps (AppKey/AppSecret, app codes), registered APIs, authorizations. */
  apps: AppAuthService;
  /** Small JSON documents a surface keeps about itself (ModelArts auth mode, authorizations). */
  surfaceSettings: SurfaceSettings;
  /** Workload events across the hub, for trace lists (ModelArts events). */
  eventLog: EventLog;
  /** Reusable batch-job definitions (ModelArts algorithms). */
  jobTemplates: JobTemplateService;
  /** Cordons a node and moves its work elsewhere (evictions through the preemption path). */
  drains: NodeDrains;
  /** Nodes leased whole to one user (ModelArts Lite Servers); the scheduler honours them. */
  nodeReservations: NodeReservations;
  /** Node taints the scheduler honours; a NoExecute taint evicts untolerated work. */
  nodeTaints: NodeTaints;
  /** Removes a node from its cluster: drains it and revokes its credential (ModelArts batch-delete). */
  nodeRemovals: NodeRemovals;
  /** Who may do what, for every surface (docs/security.md, "Authorization model"). */
  authz: Authorizer;
  /** Records kept about a cluster: a resource pool's tags, plug-ins, node config; networks (025). */
  clusterRecords: ClusterRecords;
  /** What placed tasks hold on each node, kept current by every task write (reads and scheduler). */
  allocations: AllocationLedger;
  /** A version per workload, changed by every write of it or its tasks (presenters' JSON caches). */
  workloadVersions: WorkloadVersions;
  /** Servable models (ModelArts AI applications) and calls counted per inference target. */
  inferenceModels: InferenceModelService;
  invocations: InvocationCounts;
}

/** Core options: node liveness plus replicated services (autoscaling spacing, @default 15_000 ms). */
export type CoreOptions = NodeServiceOptions & {
  hpaIntervalMs?: number;
  /** When a replicated service is failed. @default DEFAULT_FAILURE_POLICY */
  serviceFailure?: Partial<FailurePolicy>;
  /** First crash-loop back-off of a restarted service task. @default 10_000 ms (0: off) */
  restartBackoffMs?: number;
  /** How long per-task one-minute metric points are kept. @default 7 days */
  taskMetricsRetentionMs?: number;
  /** SHA-256 of the hub CA certificate (hex): join tokens carry it (issue 13). @default none (bare tokens) */
  hubCaFingerprint?: string;
  /** The hub's secret keys (key files in the data dir). @default kept in the store's settings */
  keys?: KeyRing;
  /** Tasks per workload and per user, submissions per minute, default task CPU/memory. */
  workloadLimits?: Partial<WorkloadLimits>;
};

export function createCore(store: Store, clock: Clock, options: CoreOptions): Core {
  // Every service gets the tracked store, so every task write keeps the ledger current.
  const allocations = new AllocationLedger(store);
  store = trackAllocations(store, allocations);
  const workloadVersions = new WorkloadVersions();
  store = trackWorkloadVersions(store, workloadVersions);
  const signals = new CoreSignals();
  const clusters = new ClusterService(store, clock);
  const nodes = new NodeService(store, clusters, clock, signals, options, allocations);
  const lifecycle = new TaskLifecycle(store, nodes, clock, signals, {
    ...DEFAULT_RESTART_BACKOFF,
    initialMs: options.restartBackoffMs ?? DEFAULT_RESTART_BACKOFF.initialMs,
  });
  const nodePools = new NodePoolService(store, clock, signals);
  const preemptions = new Preemptions(store, clock, signals);
  lifecycle.setPreemptionHook(
    (task) => preemptions.ended(task),
    (task) => preemptions.attemptsOf(task),
  );
  const desired = new DesiredState(store);
  desired.exclude((task) => preemptions.isPreempting(task));
  const workloads = new WorkloadService(store, clusters, lifecycle, clock, signals, {
    ...DEFAULT_WORKLOAD_LIMITS,
    ...options.workloadLimits,
  });
  const taskMetrics = new TaskMetricsService(
    clock,
    store.taskMetrics,
    (taskId) => store.tasks.byId(taskId)?.gpuUuids ?? [],
    { retentionMs: options.taskMetricsRetentionMs },
  );
  const keys = options.keys ?? new SettingsKeyRing(store.settings);
  const secretBox = new SecretBox(keys);
  const replicatedServices = new ReplicatedServiceService(store, clock, signals);
  const registryCredentials = new RegistryCredentialService(store, secretBox, clock);
  desired.addPullSecretResolver(REGISTRY_CREDENTIAL_PREFIX, (name) => registryCredentials.resolve(name));
  const drains = new NodeDrains(store, nodes, preemptions, signals);
  const audit = new AuditLog(store.audit, clock);
  const authz = new Authorizer({
    find: (id) => store.quotaUnits.byId(id),
    list: () => store.quotaUnits.list(),
  });
  return {
    clock,
    ping: () => store.ping(),
    secretBox,
    signals,
    auth: new AuthService(store, clock, audit, keys),
    audit,
    users: new UserService(store, clock),
    joinTokens: new JoinTokenService(store, clock, options.hubCaFingerprint ?? null),
    nodeCertificates: new NodeCertificateService(store, clock),
    clusters,
    nodes,
    lifecycle,
    workloads,
    desired,
    placement: new PlacementLoop(store, nodes, nodePools, preemptions, clock, signals, workloadVersions),
    nodePools,
    capacity: new CapacityTotals(nodes, nodePools),
    quotaUnits: new QuotaUnitService(store, clock, signals, nodes, nodePools),
    groups: new GroupService(store, clock),
    preemptions,
    projectMetrics: new ProjectMetrics(store, nodes, nodePools, clock),
    taskMetrics,
    replicatedServices,
    serviceController: new ServiceController(
      replicatedServices,
      clusters,
      nodes,
      workloads,
      store.quotaUnits,
      taskMetrics,
      clock,
      {
        hpaIntervalMs: options.hpaIntervalMs ?? 15_000,
        ...(options.serviceFailure ? { failure: options.serviceFailure } : {}),
      },
    ),
    serviceTemplates: new ServiceTemplateService(store, clock),
    registryCredentials,
    registryAccounts: new RegistryAccountService(store, secretBox, clock),
    registryProjects: new RegistryProjectService(store, clock),
    artifacts: new ArtifactService(store, clock),
    surfaceIds: new SurfaceIds(store),
    tunnels: new TaskTunnels(store, clock, keys, authz),
    installation: new Installation(store.settings),
    images: new ImageCatalog(store, clock),
    accessKeys: new AccessKeyService(store, secretBox, clock),
    apps: new AppAuthService(store, secretBox, clock),
    surfaceSettings: new SurfaceSettings(store.settings),
    eventLog: new EventLog(store),
    jobTemplates: new JobTemplateService(store, clock),
    authz,
    drains,
    nodeReservations: new NodeReservations(store, nodes, drains, preemptions, clock, signals),
    clusterRecords: new ClusterRecords(store, clock),
    nodeTaints: new NodeTaints(store, nodes, preemptions),
    nodeRemovals: new NodeRemovals(store, nodes, drains, lifecycle, clock),
    allocations,
    workloadVersions,
    inferenceModels: new InferenceModelService(store, clock),
    invocations: new InvocationCounts(store.invocationCounts, clock),
  };
}
