import type { Clock } from "../clock";
import type { ClusterService } from "../clusters";
import { TERMINAL_TASK_STATES } from "../model";
import type { NodeService } from "../nodes";
import type { QuotaUnitRepository } from "../repositories";
import { pullSecretOf } from "../registry-credentials";
import type { TaskMetricsService } from "../task-metrics";
import type { WorkloadService } from "../workloads";
import { DEFAULT_FAILURE_POLICY, failureReason, RestartTracker, type FailurePolicy } from "./health";
import { hpaReplicas } from "./hpa";
import {
  currentRevision,
  type ReplicaSpec,
  type ReplicatedService,
  type ServiceRevision,
  type ServiceStatus,
} from "./model";
import {
  REPLICA_META_KEY,
  replicaLink,
  type Replica,
  type ReplicaLink,
  type ServiceHealth,
} from "./replicas";
import { rolloutStep } from "./rollout";
import type { ReplicatedServiceService } from "./services";
import { desiredPerNode, selectedClusters } from "./targets";

export interface ServiceControllerOptions {
  /** Spacing of autoscaling decisions per service, ms. @default 15_000 */
  hpaIntervalMs: number;
  /** When a service counts as failed. @default DEFAULT_FAILURE_POLICY */
  failure?: Partial<FailurePolicy>;
}

const LIVE_STATES = ["pending", "running", "stopping"];

/**
 * Converges every replicated service towards its current revision on the nodes its labels select:
 * - desired replicas per node come from targets.ts (per-node services follow node labels);
 * - while replicas of another revision remain, it rolls (rollout.ts): at most desired + maxSurge
 *   replicas live, counting those still stopping, and at least desired - maxUnavailable available
 *   (running for minReadySeconds) at any pass;
 * - without an old revision it creates and stops replicas freely (scale, labels, new nodes), still
 *   within maxSurge while stopped replicas' containers wind down;
 * - a service whose replicas crash-loop, or that selects no node for long, is failed (health.ts);
 * - autoscaled revisions get their per-cluster replicas from reported CPU / memory utilisation.
 * Runs on a timer and soon after node changes; every pass re-reads state, so it is restart-safe.
 */
export class ServiceController {
  private readonly lastHpa = new Map<string, number>();
  private readonly restarts = new RestartTracker();
  /** Since when each service has selected no eligible node (ms). */
  private readonly noTargetSince = new Map<string, number>();
  private readonly failure: FailurePolicy;
  /** Replicas told to stop whose task has not ended yet, by service (last pass). */
  private stopping = new Map<string, number>();

  constructor(
    private readonly services: ReplicatedServiceService,
    private readonly clusters: ClusterService,
    private readonly nodes: NodeService,
    private readonly workloads: WorkloadService,
    private readonly quotaUnits: Pick<QuotaUnitRepository, "byId">,
    private readonly metrics: TaskMetricsService,
    private readonly clock: Clock,
    private readonly options: ServiceControllerOptions,
  ) {
    this.failure = { ...DEFAULT_FAILURE_POLICY, ...options.failure };
  }

  /** One pass over every service. Returns how many replicas were created or stopped. */
  tick(): number {
    if (!this.services.any()) return 0; // hubs without replicated services pay nothing
    const byService = this.liveReplicas(true);
    const services = new Map(this.services.list().map((s) => [s.id, s]));
    let changes = 0;
    for (const [serviceId, replicas] of byService) {
      // Replicas of deleted (or unknown) services and of services with no revision stop.
      const s = services.get(serviceId);
      if (!s || s.current === null) for (const r of replicas) changes += this.stopReplica(r);
    }
    for (const s of services.values())
      if (s.current !== null) changes += this.reconcile(s, byService.get(s.id) ?? []);
    return changes;
  }

  /** Live replicas of one service, with their readiness. */
  replicas(serviceId: string): Replica[] {
    return this.liveReplicas().get(serviceId) ?? [];
  }

  /** Replicas wanted per node for the service as it stands. */
  desired(s: ReplicatedService): Map<string, number> {
    return desiredPerNode(
      { placement: s.placement, replicas: s.replicas, ...s.targets },
      this.clusters.list(),
      this.nodes.list(),
    );
  }

  /** `{running, error, total}` from the replicas' real task states. */
  health(s: ReplicatedService): ServiceHealth {
    if (s.deletedAt !== null || s.current === null) return { running: 0, error: 0, total: 0 };
    const replicas = this.replicas(s.id);
    const total = [...this.desired(s).values()].reduce((a, b) => a + b, 0);
    const reason = s.status === "failed" ? this.failureOf(s, replicas) : null;
    return {
      running: replicas.filter((r) => r.running && r.link.revision === s.current).length,
      error: replicas.filter((r) => r.error).length,
      total,
      ...(reason !== null ? { reason } : {}),
    };
  }

  private failureOf(s: ReplicatedService, replicas: Replica[]): string | null {
    return failureReason(
      {
        crashLooping: replicas.filter((r) => r.crashLooping).length,
        noTargetSince: this.noTargetSince.get(s.id) ?? null,
        now: this.clock.now(),
      },
      this.failure,
    );
  }

  private reconcile(s: ReplicatedService, replicas: Replica[]): number {
    const revision = currentRevision(s);
    if (!revision) return 0;
    let changes = 0;
    if (revision.autoscale.enabled && s.placement === "spread") s = this.autoscale(s, revision, replicas);
    const desired = this.desired(s);
    const current = replicas.filter((r) => r.link.revision === s.current);
    const old = replicas.filter((r) => r.link.revision !== s.current);

    // Same-revision replicas beyond a node's want go first (scale down, label removed), unready first.
    const kept: Replica[] = [];
    for (const [nodeId, onNode] of groupBy(current, (r) => r.link.nodeId)) {
      const want = desired.get(nodeId) ?? 0;
      const order = [...onNode].sort((a, b) => Number(a.ready) - Number(b.ready));
      order.slice(0, Math.max(0, order.length - want)).forEach((r) => (changes += this.stopReplica(r)));
      kept.push(...order.slice(Math.max(0, order.length - want)));
    }

    const total = [...desired.values()].reduce((a, b) => a + b, 0);
    const deficits: string[] = [];
    for (const [nodeId, want] of desired) {
      const have = kept.filter((r) => r.link.nodeId === nodeId).length;
      for (let i = have; i < want; i++) deficits.push(nodeId);
    }

    // Start within maxSurge (counting replicas still stopping), retire old replicas while
    // availability allows. Without old or stopping replicas this starts every deficit.
    const step = rolloutStep({
      total,
      maxSurge: revision.rollout.maxSurge,
      maxUnavailable: revision.rollout.maxUnavailable,
      deficits,
      current: kept,
      old,
      stopping: this.stopping.get(s.id) ?? 0,
    });
    for (const nodeId of step.start) changes += this.startReplica(s, revision, nodeId);
    for (const r of step.stop) changes += this.stopReplica(r);

    if (total === 0) {
      if (!this.noTargetSince.has(s.id)) this.noTargetSince.set(s.id, this.clock.now());
    } else this.noTargetSince.delete(s.id);
    const status = nextStatus(s.status, {
      failed: this.failureOf(s, replicas) !== null,
      converged:
        old.length === 0 && deficits.length === 0 && kept.length === total && kept.every((r) => r.ready),
      rolling: old.length > 0,
    });
    if (status !== s.status) this.services.save({ ...s, status });
    return changes;
  }

  /**
   * Kubernetes' HPA rule on the ready replicas' reported usage: wanted = ceil(replicas * ratio) where
   * ratio is the larger of CPU and memory utilisation over their targets, clamped to min/max.
   * Utilisation is against what a replica reserves (its requests, else its limits), as Kubernetes
   * measures it against requests: CPU percent of one core * 10 / cpu millicores.
   */
  private autoscale(s: ReplicatedService, revision: ServiceRevision, replicas: Replica[]): ReplicatedService {
    const policy = revision.autoscale;
    const now = this.clock.now();
    const clamp = (n: number) => Math.min(policy.maxReplicas, Math.max(policy.minReplicas, n));
    if (s.replicas !== clamp(s.replicas)) return this.services.save({ ...s, replicas: clamp(s.replicas) });
    if (now - (this.lastHpa.get(s.id) ?? 0) < this.options.hpaIntervalMs) return s;
    if (replicas.some((r) => r.link.revision !== s.current)) return s; // not during a rollout
    const samples = replicas.flatMap((r) => (r.ready && r.task ? (this.metrics.get(r.task.id) ?? []) : []));
    if (samples.length === 0) return s;
    this.lastHpa.set(s.id, now);
    const of = reserved(revision.spec);
    const cpu = avg(samples.map((x) => ((x.cpuPercent * 10) / Math.max(1, of.cpuMilli)) * 100));
    const mem = avg(samples.map((x) => (x.memoryUsedMiB / Math.max(1, of.memoryMiB)) * 100));
    const clusters = Math.max(1, selectedClusters(this.clusters.list(), s.targets.clusterLabel).length);
    const perCluster = hpaReplicas({
      current: samples.length / clusters,
      cpuPercent: cpu,
      memoryPercent: mem,
      cpuTarget: policy.cpuTargetPercent,
      memoryTarget: policy.memoryTargetPercent,
      min: policy.minReplicas,
      max: policy.maxReplicas,
    });
    if (perCluster === null || perCluster === s.replicas) return s;
    return this.services.save({ ...s, replicas: perCluster });
  }

  private startReplica(s: ReplicatedService, revision: ServiceRevision, nodeId: string): number {
    const node = this.nodes.findById(nodeId);
    if (!node) return 0;
    const link: ReplicaLink = {
      serviceId: s.id,
      revision: revision.number,
      nodeId,
      minReadySeconds: revision.rollout.minReadySeconds,
    };
    const spec = revision.spec;
    this.workloads.submit({
      name: `${s.name}-${revision.version}`,
      owner: s.owner,
      kind: "service",
      internal: true,
      cluster: this.clusters.byId(node.clusterId)?.name ?? null,
      roles: [
        {
          name: s.name,
          image: spec.image,
          command: [...spec.command, ...spec.args],
          env: spec.env,
          instances: 1,
          // Placement reserves the requests; the container is held to the limits.
          resources: { ...reserved(spec), gpu: spec.gpu ?? 0 },
          ...(spec.requests ? { limits: { cpuMilli: spec.cpuMilli, memoryMiB: spec.memoryMiB } } : {}),
          ...(spec.hostPaths && spec.hostPaths.length > 0 ? { hostPaths: spec.hostPaths } : {}),
          ports: spec.ports.map((p, i) => ({ name: `p${i}`, ...p })),
          maxAttempts: 1,
          nodeId,
          ...(spec.registryCredentialId !== null
            ? { pullSecret: pullSecretOf(spec.registryCredentialId) }
            : {}),
        },
      ],
      meta: { [REPLICA_META_KEY]: link },
      quotaUnitId: this.chargedUnit(s),
    });
    return 1;
  }

  /**
   * The service's quota unit while it has allocations. A unit without allocations would leave
   * replicas waiting on a zero share, so they run unlimited until an administrator gives it quota.
   */
  private chargedUnit(s: ReplicatedService): string | null {
    if (s.quotaUnitId === null) return null;
    const unit = this.quotaUnits.byId(s.quotaUnitId);
    return unit && unit.allocations.length > 0 ? unit.id : null;
  }

  private stopReplica(r: Replica): number {
    if (r.workload.ending !== null) return 0;
    this.workloads.stop(r.workload);
    if (r.task) this.metrics.forget(r.task.id);
    return 1;
  }

  /** Live replicas by service; `observe` records restarts (the controller's pass only). */
  private liveReplicas(observe = false): Map<string, Replica[]> {
    const out = new Map<string, Replica[]>();
    const now = this.clock.now();
    const window = this.failure.crashLoopWindowMs;
    const seen = new Set<string>();
    const stopping = new Map<string, number>();
    for (const w of this.workloads.list({ states: LIVE_STATES })) {
      const link = replicaLink(w);
      if (!link) continue;
      const task = this.workloads.tasks(w.id)[0];
      if (w.ending !== null) {
        // Still holds its node (and counts against maxSurge) until its container has stopped.
        if (task && task.state !== "pending" && !TERMINAL_TASK_STATES.has(task.state))
          stopping.set(link.serviceId, (stopping.get(link.serviceId) ?? 0) + 1);
        continue;
      }
      if (task && observe) {
        this.restarts.observe(task.id, task.attempt, now, window);
        seen.add(task.id);
      }
      const crashLooping =
        task !== undefined && this.restarts.restarts(task.id, now, window) >= this.failure.crashLoopRestarts;
      const running = task?.state === "running";
      const since = task?.startedAt ?? task?.updatedAt ?? now;
      const replica: Replica = {
        workload: w,
        task,
        link,
        running,
        ready: running && now - since >= link.minReadySeconds * 1000,
        error: crashLooping || (task !== undefined && !running && task.attempt > 1),
        crashLooping,
      };
      out.set(link.serviceId, [...(out.get(link.serviceId) ?? []), replica]);
    }
    if (observe) {
      this.restarts.retain(seen);
      this.stopping = stopping;
    }
    return out;
  }
}

/**
 * A service's next status after a pass. Failing replicas fail a running service; converging makes
 * it available; a failed service that stops failing, or a rollout still replacing old replicas,
 * is progressing; an available service short of ready replicas is degraded. A stopped service
 * stays stopped.
 */
export function nextStatus(
  status: ServiceStatus,
  pass: { failed: boolean; converged: boolean; rolling: boolean },
): ServiceStatus {
  if (status === "stopped") return status;
  if (pass.failed) return "failed";
  if (pass.converged) return "available";
  if (status === "failed" || pass.rolling) return "progressing";
  return status === "progressing" ? status : "degraded";
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** What one replica reserves: its requests, else its limits (CPU millicores, memory MiB). */
function reserved(spec: ReplicaSpec): { cpuMilli: number; memoryMiB: number } {
  return spec.requests ?? { cpuMilli: spec.cpuMilli, memoryMiB: spec.memoryMiB };
}
