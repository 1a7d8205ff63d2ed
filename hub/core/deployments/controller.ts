import type { Clock } from "../clock";
import type { ClusterService } from "../clusters";
import { TERMINAL_TASK_STATES, type Task, type Workload } from "../model";
import type { NodeService } from "../nodes";
import type { Store } from "../repositories";
import type { TaskMetricsService } from "../task-metrics";
import type { WorkloadService } from "../workloads";
import {
  DEFAULT_FAILURE_POLICY,
  failureReason,
  RestartTracker,
  type FailurePolicy,
} from "../services/health";
import { hpaReplicas } from "../services/hpa";
import { DeployStatus, type OteApp, type OteDeployment } from "./model";
import { rolloutStep } from "../services/rollout";
import { desiredPerNode, selectedClusters } from "../services/targets";

/** The pullSecret name of an external repository's stored credentials. */
export const externalRepoSecret = (id: number): string => `otestack/external-repo/${id}`;

/** Where a replica workload keeps its deployment (Workload.meta.otestack). */
export interface ReplicaMeta {
  deployId: number;
  version: string;
  nodeId: string;
  /** The app version's minReadySeconds, kept here so readiness needs no app lookup. */
  minReadySeconds: number;
}

/** One replica: a single-task service workload pinned to a node. */
export interface Replica {
  workload: Workload;
  task: Task | undefined;
  meta: ReplicaMeta;
  /** Running for at least the app's minReadySeconds. */
  ready: boolean;
  running: boolean;
  /** Restarting after its container failed, failed for good, or crash-looping. */
  error: boolean;
  /** Restarted FailurePolicy.crashLoopRestarts times within its window. */
  crashLooping: boolean;
}

/** `{running, error, total}` from the replicas' real task states (OTE errorMessage), and why failed. */
export interface DeploymentHealth {
  running: number;
  error: number;
  total: number;
  /** Present while the deployment is failed (status 4). */
  reason?: string;
}

export interface ControllerOptions {
  /** Spacing of autoscaling decisions per deployment, ms. @default 15_000 */
  hpaIntervalMs: number;
  /** When a deployment counts as failed (status 4). @default DEFAULT_FAILURE_POLICY */
  failure?: Partial<FailurePolicy>;
}

const LIVE_STATES = ["pending", "running", "stopping"];

export const replicaMeta = (w: Workload): ReplicaMeta | undefined => {
  const m = w.meta["otestack"] as Partial<ReplicaMeta> | undefined;
  return m && typeof m.deployId === "number" && typeof m.version === "string" && typeof m.nodeId === "string"
    ? (m as ReplicaMeta)
    : undefined;
};

/**
 * Converges every OTE deployment towards its version on the nodes its labels select:
 * - desired replicas per node come from targets.ts (daemonsets follow node labels as they change);
 * - while replicas of another version remain, it rolls (rollout.ts): at most desired + maxSurge
 *   replicas live, counting those still stopping, and at least desired - maxUnavailable available
 *   (running for minReadySeconds) at any pass;
 * - without an old version it creates and stops replicas freely (scale, labels, new nodes), still
 *   within maxSurge while stopped replicas' containers wind down;
 * - a deployment whose replicas crash-loop, or that selects no node for long, is failed (health.ts);
 * - autoscaled apps get their per-cluster replicas from reported CPU / memory utilisation.
 * Runs on a timer and soon after node changes; every pass re-reads state, so it is restart-safe.
 */
export class DeploymentController {
  private readonly lastHpa = new Map<number, number>();
  private readonly restarts = new RestartTracker();
  /** Since when each deployment has selected no eligible node (ms). */
  private readonly noTargetSince = new Map<number, number>();
  private readonly failure: FailurePolicy;
  /** Replicas told to stop whose task has not ended yet, by deployment (last pass). */
  private stopping = new Map<number, number>();

  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterService,
    private readonly nodes: NodeService,
    private readonly workloads: WorkloadService,
    private readonly metrics: TaskMetricsService,
    private readonly clock: Clock,
    private readonly options: ControllerOptions,
  ) {
    this.failure = { ...DEFAULT_FAILURE_POLICY, ...options.failure };
  }

  /** One pass over every deployment. Returns how many replicas were created or stopped. */
  tick(): number {
    const deployments = this.store.otestack.deployments();
    if (deployments.length === 0) return 0; // hubs without OTE work pay nothing
    const byDeploy = this.liveReplicas(true);
    let changes = 0;
    for (const d of deployments) {
      const replicas = byDeploy.get(d.id) ?? [];
      if (d.deletedAt !== null || d.version === null) {
        for (const r of replicas) changes += this.stopReplica(r);
        continue;
      }
      changes += this.reconcile(d, replicas);
    }
    return changes;
  }

  /** Live replicas of one deployment, with their readiness. */
  replicas(deployId: number): Replica[] {
    return this.liveReplicas().get(deployId) ?? [];
  }

  /** Replicas wanted per node for the deployment as it stands. */
  desired(d: OteDeployment): Map<string, number> {
    return desiredPerNode(
      {
        placement: d.kind === "daemonset" ? "per-node" : "spread",
        replicas: d.replicas,
        clusterLabel: d.clusterLabel === "all" ? null : d.clusterLabel,
        nodeLabel: d.nodeLabel === "all" ? null : d.nodeLabel,
      },
      this.clusters.list(),
      this.nodes.list(),
    );
  }

  /** `{running, error, total}` from the replicas' real task states (OTE errorMessage). */
  health(d: OteDeployment): DeploymentHealth {
    if (d.deletedAt !== null || d.version === null) return { running: 0, error: 0, total: 0 };
    const replicas = this.replicas(d.id);
    const total = [...this.desired(d).values()].reduce((a, b) => a + b, 0);
    const reason = d.status === DeployStatus.failed ? this.failureOf(d, replicas) : null;
    return {
      running: replicas.filter((r) => r.running && r.meta.version === d.version).length,
      error: replicas.filter((r) => r.error).length,
      total,
      ...(reason !== null ? { reason } : {}),
    };
  }

  private failureOf(d: OteDeployment, replicas: Replica[]): string | null {
    return failureReason(
      {
        crashLooping: replicas.filter((r) => r.crashLooping).length,
        noTargetSince: this.noTargetSince.get(d.id) ?? null,
        now: this.clock.now(),
      },
      this.failure,
    );
  }

  private reconcile(d: OteDeployment, replicas: Replica[]): number {
    const app = this.app(d, d.version as string);
    if (!app) return 0;
    let changes = 0;
    if (app.isHPA && d.kind === "deployment") d = this.autoscale(d, app, replicas);
    const desired = this.desired(d);
    const current = replicas.filter((r) => r.meta.version === d.version);
    const old = replicas.filter((r) => r.meta.version !== d.version);

    // Same-version replicas beyond a node's want go first (scale down, label removed), unready first.
    const kept: Replica[] = [];
    const byNode = groupBy(current, (r) => r.meta.nodeId);
    for (const [nodeId, onNode] of byNode) {
      const want = desired.get(nodeId) ?? 0;
      const order = [...onNode].sort((a, b) => Number(a.ready) - Number(b.ready));
      order.slice(0, Math.max(0, order.length - want)).forEach((r) => (changes += this.stopReplica(r)));
      kept.push(...order.slice(Math.max(0, order.length - want)));
    }

    const total = [...desired.values()].reduce((a, b) => a + b, 0);
    const deficits: string[] = [];
    for (const [nodeId, want] of desired) {
      const have = kept.filter((r) => r.meta.nodeId === nodeId).length;
      for (let i = have; i < want; i++) deficits.push(nodeId);
    }

    // Start within maxSurge (counting replicas still stopping), retire old replicas while
    // availability allows. Without old or stopping replicas this starts every deficit.
    const step = rolloutStep({
      total,
      maxSurge: app.maxSurge,
      maxUnavailable: app.maxUnavailable,
      deficits,
      current: kept,
      old,
      stopping: this.stopping.get(d.id) ?? 0,
    });
    for (const nodeId of step.start) changes += this.startReplica(d, app, nodeId);
    for (const r of step.stop) changes += this.stopReplica(r);

    if (total === 0) {
      if (!this.noTargetSince.has(d.id)) this.noTargetSince.set(d.id, this.clock.now());
    } else this.noTargetSince.delete(d.id);
    const failed = this.failureOf(d, replicas) !== null;
    const converged =
      old.length === 0 && deficits.length === 0 && kept.length === total && kept.every((r) => r.ready);
    let status = d.status;
    if (failed) {
      if (status === DeployStatus.deploying || status === DeployStatus.running) status = DeployStatus.failed;
    } else if (converged) {
      if (status === DeployStatus.deploying || status === DeployStatus.failed) status = DeployStatus.running;
    } else if (status === DeployStatus.failed || (status === DeployStatus.running && old.length > 0)) {
      status = DeployStatus.deploying;
    }
    if (status !== d.status) this.save({ ...d, status });
    return changes;
  }

  /**
   * Kubernetes' HPA rule on the ready replicas' reported usage: wanted = ceil(replicas * ratio) where
   * ratio is the larger of CPU and memory utilisation over their targets, clamped to min/max.
   * Utilisation is against the app's limits: CPU percent of one core * 10 / cpu millicores.
   */
  private autoscale(d: OteDeployment, app: OteApp, replicas: Replica[]): OteDeployment {
    const now = this.clock.now();
    const clamp = (n: number) => Math.min(app.maxReplicas, Math.max(app.minReplicas, n));
    if (d.replicas !== clamp(d.replicas)) return this.save({ ...d, replicas: clamp(d.replicas) });
    if (now - (this.lastHpa.get(d.id) ?? 0) < this.options.hpaIntervalMs) return d;
    if (replicas.some((r) => r.meta.version !== d.version)) return d; // not during a rollout
    const samples = replicas.flatMap((r) => (r.ready && r.task ? (this.metrics.get(r.task.id) ?? []) : []));
    if (samples.length === 0) return d;
    this.lastHpa.set(d.id, now);
    const cpu = avg(samples.map((s) => ((s.cpuPercent * 10) / Math.max(1, app.cpu)) * 100));
    const mem = avg(samples.map((s) => (s.memoryUsedMiB / Math.max(1, app.memory)) * 100));
    const clusters = Math.max(
      1,
      selectedClusters(this.clusters.list(), d.clusterLabel === "all" ? null : d.clusterLabel).length,
    );
    const perCluster = hpaReplicas({
      current: samples.length / clusters,
      cpuPercent: cpu,
      memoryPercent: mem,
      cpuTarget: app.hpaCpuTarget,
      memoryTarget: app.hpaMemoryTarget,
      min: app.minReplicas,
      max: app.maxReplicas,
    });
    if (perCluster === null || perCluster === d.replicas) return d;
    return this.save({ ...d, replicas: perCluster });
  }

  private startReplica(d: OteDeployment, app: OteApp, nodeId: string): number {
    const node = this.nodes.findById(nodeId);
    if (!node) return 0;
    const meta: ReplicaMeta = {
      deployId: d.id,
      version: app.version,
      nodeId,
      minReadySeconds: app.minReadySeconds,
    };
    this.workloads.submit({
      name: `${d.name}-${app.version}`,
      owner: d.owner,
      kind: "service",
      cluster: this.clusters.byId(node.clusterId)?.name ?? null,
      roles: [
        {
          name: d.name,
          image: app.image,
          command: [...app.command, ...app.args],
          env: app.env,
          instances: 1,
          resources: { cpuMilli: app.cpu, memoryMiB: app.memory, gpu: 0 },
          ports: app.ports.map((p, i) => ({ name: `p${i}`, ...p })),
          maxAttempts: 1,
          nodeId,
          ...(app.externalRepoId !== null ? { pullSecret: externalRepoSecret(app.externalRepoId) } : {}),
        },
      ],
      meta: { otestack: meta },
      quotaUnitId: this.quotaUnitOf(d.namespace),
    });
    return 1;
  }

  /**
   * The business whose approval created the namespace (QuotaUnit.meta.namespace = "ns<id>"), when
   * it has quota allocations. OTE businesses carry no quota of their own: charging replicas to a
   * unit without allocations would leave them waiting on a zero share, so they run unlimited
   * until an administrator gives the business quota (native / Run:ai surfaces).
   */
  private quotaUnitOf(namespace: string): string | null {
    const unit = this.store.quotaUnits
      .list()
      .find((u) => u.kind === "business" && u.meta["namespace"] === namespace);
    return unit && unit.allocations.length > 0 ? unit.id : null;
  }

  private stopReplica(r: Replica): number {
    if (r.workload.ending !== null) return 0;
    this.workloads.stop(r.workload);
    if (r.task) this.metrics.forget(r.task.id);
    return 1;
  }

  /** Live replicas by deployment; `observe` records restarts (the controller's pass only). */
  private liveReplicas(observe = false): Map<number, Replica[]> {
    const out = new Map<number, Replica[]>();
    const now = this.clock.now();
    const window = this.failure.crashLoopWindowMs;
    const seen = new Set<string>();
    const stopping = new Map<number, number>();
    for (const w of this.workloads.list({ states: LIVE_STATES })) {
      const meta = replicaMeta(w);
      if (!meta) continue;
      const task = this.workloads.tasks(w.id)[0];
      if (w.ending !== null) {
        // Still holds its node (and counts against maxSurge) until its container has stopped.
        if (task && task.state !== "pending" && !TERMINAL_TASK_STATES.has(task.state))
          stopping.set(meta.deployId, (stopping.get(meta.deployId) ?? 0) + 1);
        continue;
      }
      if (task && observe) {
        this.restarts.observe(task.id, task.attempt, now, window);
        seen.add(task.id);
      }
      const crashLooping =
        task !== undefined && this.restarts.restarts(task.id, now, window) >= this.failure.crashLoopRestarts;
      const minReady = meta.minReadySeconds ?? 0;
      const running = task?.state === "running";
      const since = task?.startedAt ?? task?.updatedAt ?? now;
      const replica: Replica = {
        workload: w,
        task,
        meta,
        running,
        ready: running && now - since >= minReady * 1000,
        error: crashLooping || (task !== undefined && !running && task.attempt > 1),
        crashLooping,
      };
      const list = out.get(meta.deployId) ?? [];
      list.push(replica);
      out.set(meta.deployId, list);
    }
    if (observe) {
      this.restarts.retain(seen);
      this.stopping = stopping;
    }
    return out;
  }

  private app(d: OteDeployment, version: string): OteApp | undefined {
    return this.store.otestack
      .apps()
      .find((a) => a.namespace === d.namespace && a.name === d.appName && a.version === version);
  }

  private save(d: OteDeployment): OteDeployment {
    const updated = { ...d, updatedAt: this.clock.now() };
    this.store.otestack.updateDeployment(updated);
    return updated;
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
