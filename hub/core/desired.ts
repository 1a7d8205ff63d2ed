import type { HostPathSpec, PortSpec, Task, TaskRole, VolumeSpec, Workload } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { Store } from "./repositories";

/** What a node's agent should be running: the protocol's TaskSpec, in core words. */
export interface DesiredTask {
  taskId: string;
  attempt: number;
  workloadId: string;
  name: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** Container limits: the role's `limits` where it has them, else its reserved `resources`. */
  cpuMilli: number;
  memoryMiB: number;
  gpuUuids: string[];
  ports: PortSpec[];
  /** Named volumes: the agent makes them per task, and keeps them when the task stops. */
  volumes: VolumeSpec[];
  /** Node directories bound into the container as they are. */
  hostPaths: HostPathSpec[];
  stopGraceSec: number;
  /** Credentials for a private registry; null for public or the hub's own registry. Secret. */
  registryAuth: RegistryAuth | null;
}

export interface RegistryAuth {
  serverAddress: string;
  username: string;
  password: string;
}

/** Turns a role's pullSecret name into credentials; null when it names nothing (any more). */
export type PullSecretResolver = (name: string) => RegistryAuth | null;

/**
 * Adds surface-specific environment to a task's container (OpenPAI's PAI_* variables...). Each
 * surface registers one; the core calls them all when it builds a desired task.
 */
export type EnvDecorator = (ctx: {
  workload: Workload;
  role: TaskRole;
  task: Task;
  /** Every task of the workload; read on first access (a decorator checks its workload first). */
  readonly tasks: readonly Task[];
}) => Record<string, string>;

export class DesiredState {
  private readonly decorators: EnvDecorator[] = [];
  private readonly pullSecrets: { prefix: string; resolver: PullSecretResolver }[] = [];
  /** Placed tasks the agent must stop anyway (a task being preempted keeps its GPUs until it stops). */
  private readonly excluded: ((task: Task) => boolean)[] = [];

  constructor(private readonly store: Store) {}

  /**
   * Resolves pullSecret names that start with `prefix` (core's registry credentials own
   * "registry-credential/").
   */
  addPullSecretResolver(prefix: string, resolver: PullSecretResolver): void {
    this.pullSecrets.push({ prefix, resolver });
  }

  addEnvDecorator(decorator: EnvDecorator): void {
    this.decorators.push(decorator);
  }

  exclude(predicate: (task: Task) => boolean): void {
    this.excluded.push(predicate);
  }

  /** Tasks placed on the node whose workload is not ending (and that are not excluded). */
  forNode(nodeId: string): DesiredTask[] {
    const out: DesiredTask[] = [];
    const workloads = new Map<string, Workload | undefined>();
    // A workload's tasks, read once per call and only when a decorator asks (OpenPAI's peer lists):
    // a node holding k tasks of one 1000-task workload read its 1000 tasks k times before.
    const peers = new Map<string, readonly Task[]>();
    const tasksOf = (workloadId: string): readonly Task[] => {
      let tasks = peers.get(workloadId);
      if (!tasks) peers.set(workloadId, (tasks = this.store.tasks.byWorkload(workloadId)));
      return tasks;
    };
    for (const task of this.store.tasks.byNode(nodeId, [...PLACED_TASK_STATES])) {
      if (!workloads.has(task.workloadId))
        workloads.set(task.workloadId, this.store.workloads.byId(task.workloadId));
      const workload = workloads.get(task.workloadId);
      if (!workload || workload.ending !== null) continue;
      if (this.excluded.some((x) => x(task))) continue;
      const role = workload.roles.find((r) => r.name === task.role);
      if (!role) continue;
      out.push(this.build(workload, role, task, tasksOf));
    }
    return out;
  }

  private registryAuth(name: string): RegistryAuth | null {
    return this.pullSecrets.find((p) => name.startsWith(p.prefix))?.resolver(name) ?? null;
  }

  private build(
    workload: Workload,
    role: TaskRole,
    task: Task,
    tasksOf: (workloadId: string) => readonly Task[],
  ): DesiredTask {
    let env: Record<string, string> = {
      ...role.env,
      CORRAL_WORKLOAD_ID: workload.id,
      CORRAL_WORKLOAD_NAME: workload.name,
      CORRAL_TASK_ID: task.id,
      CORRAL_TASK_ROLE: task.role,
      CORRAL_TASK_INDEX: String(task.index),
      CORRAL_TASK_ATTEMPT: String(task.attempt),
    };
    if (this.decorators.length > 0) {
      // `tasks` is read on first use: a decorator for another surface's workloads returns before.
      const ctx = {
        workload,
        role,
        task,
        get tasks(): readonly Task[] {
          return tasksOf(workload.id);
        },
      };
      for (const d of this.decorators) env = { ...env, ...d(ctx) };
    }
    return {
      taskId: task.id,
      attempt: task.attempt,
      workloadId: workload.id,
      name: `${workload.name}-${task.role}-${task.index}`,
      image: role.image,
      command: role.command,
      env,
      cpuMilli: role.limits?.cpuMilli ?? role.resources.cpuMilli,
      memoryMiB: role.limits?.memoryMiB ?? role.resources.memoryMiB,
      gpuUuids: task.gpuUuids,
      ports: role.ports,
      volumes: role.volumes ?? [],
      hostPaths: role.hostPaths ?? [],
      stopGraceSec: workload.stopGraceSec,
      registryAuth: role.pullSecret ? this.registryAuth(role.pullSecret) : null,
    };
  }
}
