import { AuthService } from "./auth";
import type { Clock } from "./clock";
import { ClusterService } from "./clusters";
import { DesiredState } from "./desired";
import { GroupService } from "./groups";
import { JoinTokenService } from "./join-tokens";
import { NodePoolService } from "./node-pools";
import { NodeService, type NodeServiceOptions } from "./nodes";
import { PlacementLoop } from "./placement";
import { Preemptions } from "./preemption";
import { ProjectMetrics } from "./project-metrics";
import { QuotaUnitService } from "./quota-units";
import type { Store } from "./repositories";
import { CoreSignals } from "./signals";
import { TaskLifecycle } from "./task-lifecycle";
import { UserService } from "./users";
import { WorkloadService } from "./workloads";

/** Every core service, wired over one store. Built once in hub/main.ts (and by test helpers). */
export interface Core {
  store: Store;
  clock: Clock;
  signals: CoreSignals;
  auth: AuthService;
  users: UserService;
  joinTokens: JoinTokenService;
  clusters: ClusterService;
  nodes: NodeService;
  lifecycle: TaskLifecycle;
  workloads: WorkloadService;
  desired: DesiredState;
  placement: PlacementLoop;
  nodePools: NodePoolService;
  quotaUnits: QuotaUnitService;
  groups: GroupService;
  /** Fair-share reclaims in flight and past (Run:ai preemption). */
  preemptions: Preemptions;
  /** Per-project allocation / utilisation series (Run:ai metrics). */
  projectMetrics: ProjectMetrics;
}

export function createCore(store: Store, clock: Clock, options: NodeServiceOptions): Core {
  const signals = new CoreSignals();
  const clusters = new ClusterService(store, clock);
  const nodes = new NodeService(store, clusters, clock, signals, options);
  const lifecycle = new TaskLifecycle(store, nodes, clock, signals);
  const nodePools = new NodePoolService(store, clock, signals);
  const preemptions = new Preemptions(store, clock, signals);
  lifecycle.setPreemptionHook(
    (task) => preemptions.ended(task),
    (task) => preemptions.attemptsOf(task),
  );
  const desired = new DesiredState(store);
  desired.exclude((task) => preemptions.isPreempting(task));
  return {
    store,
    clock,
    signals,
    auth: new AuthService(store, clock),
    users: new UserService(store, clock),
    joinTokens: new JoinTokenService(store, clock),
    clusters,
    nodes,
    lifecycle,
    workloads: new WorkloadService(store, clusters, lifecycle, clock, signals),
    desired,
    placement: new PlacementLoop(store, nodes, nodePools, preemptions, clock, signals),
    nodePools,
    quotaUnits: new QuotaUnitService(store, clock, signals),
    groups: new GroupService(store, clock),
    preemptions,
    projectMetrics: new ProjectMetrics(store, nodes, nodePools, clock),
  };
}
