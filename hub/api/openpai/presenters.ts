import type { Core } from "../../core";
import type { Task, TaskState, Workload } from "../../core/model";
import type { JobAttemptView } from "./attempts";
import { frameworkName, jobMeta } from "./job-meta";

export type PaiState = "WAITING" | "RUNNING" | "STOPPING" | "SUCCEEDED" | "STOPPED" | "FAILED";

const JOB_STATE: Record<Workload["state"], PaiState> = {
  pending: "WAITING",
  running: "RUNNING",
  stopping: "STOPPING",
  succeeded: "SUCCEEDED",
  stopped: "STOPPED",
  failed: "FAILED",
};
const TASK_STATE: Record<TaskState, PaiState> = {
  pending: "WAITING",
  assigned: "WAITING",
  starting: "WAITING",
  running: "RUNNING",
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  lost: "FAILED",
  stopped: "STOPPED",
};
/** FrameworkController's framework state, which OpenPAI shows raw as `subState` (swagger's enum). */
export type PaiSubState =
  "AttemptCreationPending" | "AttemptPreparing" | "AttemptRunning" | "AttemptDeletionPending" | "Completed";

function subStateOf(w: Workload, tasks: readonly Task[]): PaiSubState {
  switch (w.state) {
    case "pending":
      // Some task placed on a node: the attempt is being prepared there.
      return tasks.some((t) => t.state !== "pending") ? "AttemptPreparing" : "AttemptCreationPending";
    case "running":
      return "AttemptRunning";
    case "stopping":
      return "AttemptDeletionPending";
    default:
      return "Completed";
  }
}

/** The core.surfaceIds sequence of task statuses' integer `taskUid`. */
const TASK_UID_KEY = "openpai/task";

/** OpenPAI's exit code of a job stopped by its user (k8s launcher). */
export const STOPPED_EXIT_CODE = -210;

/** Scheme and host the client used to reach the hub (log URLs point back at it). */
export const originOf = (ctx: { protocol: string; host: string }): string => `${ctx.protocol}://${ctx.host}`;

export const paiState = (w: Workload): PaiState => JOB_STATE[w.state];

/** Looks up names the presenters need; built once per request. */
export interface PresentContext {
  core: Core;
  /** Scheme and host of this request, for log URLs served by the hub. */
  origin: string;
}

function exitOf(w: Workload, tasks: readonly Task[]) {
  const failed = tasks.find((t) => t.state === "failed" || t.state === "lost");
  if (w.state === "succeeded") return { code: 0, task: null, diagnostics: null };
  if (w.state === "stopped") return { code: STOPPED_EXIT_CODE, task: null, diagnostics: "Stopped by user" };
  if (w.state === "failed")
    return {
      code: failed?.exitCode ?? -1,
      task: failed ?? null,
      diagnostics: failed?.message ?? "a task failed",
    };
  return { code: null, task: null, diagnostics: null };
}

/** Why a WAITING job waits: the scheduler's reason of its first pending task. */
export function waitingReason(w: Workload, tasks: readonly Task[]): string | null {
  if (w.state !== "pending") return null;
  return tasks.find((t) => t.reason)?.reason ?? "waiting for the scheduler";
}

export function virtualClusterOf(c: PresentContext, w: Workload): string {
  const meta = jobMeta(w);
  if (meta) return meta.virtualCluster;
  const unit = w.quotaUnitId ? c.core.quotaUnits.find(w.quotaUnitId) : undefined;
  return unit?.name ?? "unknown";
}

const launched = (tasks: readonly Task[]) => {
  const starts = tasks.flatMap((t) => (t.startedAt === null ? [] : [t.startedAt]));
  return starts.length ? Math.min(...starts) : null;
};

/** A v2 list item (docs/compat/openpai.md §5). */
export function presentListItem(c: PresentContext, w: Workload, tasks: readonly Task[]) {
  const exit = exitOf(w, tasks);
  return {
    debugId: w.id,
    name: w.name,
    username: w.owner,
    state: paiState(w),
    subState: subStateOf(w, tasks),
    executionType: w.ending === "stop" ? "STOP" : "START",
    tags: jobMeta(w)?.tags ?? [],
    // Whole-job retries so far (jobRetryCount); OpenPAI counts them all as user retries here.
    retries: w.jobAttempt - 1,
    retryDetails: { user: w.jobAttempt - 1, platform: 0, resource: 0 },
    retryDelayTime: 0,
    submissionTime: w.createdAt,
    createdTime: w.createdAt,
    launchedTime: launched(tasks),
    completedTime: w.finishedAt,
    appExitCode: exit.code,
    virtualCluster: virtualClusterOf(c, w),
    totalGpuNumber: w.roles.reduce((s, r) => s + r.resources.gpu * r.instances, 0),
    totalTaskNumber: w.roles.reduce((s, r) => s + r.instances, 0),
    totalTaskRoleNumber: w.roles.length,
    jobPriority: "default",
    waitingReason: waitingReason(w, tasks),
  };
}

export function logsPath(w: Workload, t: Task): string {
  return `/api/v2/jobs/${encodeURIComponent(frameworkName(w))}/attempts/${w.jobAttempt - 1}/taskRoles/${encodeURIComponent(t.role)}/taskIndex/${t.index}/attempts/${t.attempt - 1}/logs`;
}

export function presentTask(c: PresentContext, w: Workload, t: Task) {
  const node = t.nodeId ? c.core.nodes.findById(t.nodeId) : undefined;
  const labels = jobMeta(w)?.portLabels[t.role] ?? {};
  const containerPorts: Record<string, string> = {};
  for (const [label, names] of Object.entries(labels)) {
    containerPorts[label] = names
      .map(
        (n) =>
          t.ports.find((p) => p.name === n)?.hostPort ??
          w.roles.find((r) => r.name === t.role)?.ports.find((p) => p.name === n)?.containerPort,
      )
      .filter((p) => p !== undefined)
      .join(",");
  }
  const gpuIndex = new Map((node?.hardware?.gpus ?? []).map((g) => [g.uuid, g.index]));
  // OpenPAI's containerGpus is a bitmask of the GPU indices on the node.
  const containerGpus = t.gpuUuids.reduce((mask, u) => mask | (1 << (gpuIndex.get(u) ?? 0)), 0);
  return {
    taskIndex: t.index,
    // An integer in the swagger (TaskStatus.taskUid): the task's stable surface id.
    taskUid: c.core.surfaceIds.assign(TASK_UID_KEY, t.id),
    taskState: TASK_STATE[t.state],
    retries: t.attempt - 1,
    accountableRetries: t.attempt - 1,
    createdTime: t.createdAt,
    launchedTime: t.startedAt,
    completedTime: t.finishedAt,
    attemptId: t.attempt - 1,
    attemptState: TASK_STATE[t.state],
    containerId: t.containerId,
    containerIp: node?.address || t.ip,
    containerNodeName: node?.name ?? null,
    containerPorts,
    // A string in the swagger (TaskStatus.containerGpus), the mask in decimal.
    containerGpus: t.gpuUuids.length ? String(containerGpus) : null,
    containerGpuUuids: t.gpuUuids,
    // A string in the swagger (not nullable): "" until the task has a container.
    containerLog: t.containerId ? `${c.origin}${logsPath(w, t)}` : "",
    containerExitCode: t.exitCode,
    containerExitSpec:
      t.exitCode === null
        ? null
        : { code: t.exitCode, phrase: t.exitCode === 0 ? "Succeeded" : "ContainerExit" },
    containerExitDiagnostics: TASK_STATE[t.state] === "FAILED" ? t.message : null,
    waitingReason: t.state === "pending" ? t.reason : null,
  };
}

/** The job detail (docs/compat/openpai.md §5): jobStatus and every role's task statuses. */
export function presentDetail(c: PresentContext, w: Workload, tasks: readonly Task[]) {
  const item = presentListItem(c, w, tasks);
  const exit = exitOf(w, tasks);
  return {
    debugId: w.id,
    name: w.name,
    frameworkName: frameworkName(w),
    tags: item.tags,
    jobPriority: item.jobPriority,
    jobStatus: {
      username: w.owner,
      state: item.state,
      subState: item.subState,
      executionType: item.executionType,
      retries: item.retries,
      retryDetails: item.retryDetails,
      retryDelayTime: 0,
      createdTime: w.createdAt,
      submissionTime: w.createdAt,
      launchedTime: item.launchedTime,
      completedTime: w.finishedAt,
      virtualCluster: item.virtualCluster,
      attemptId: w.jobAttempt - 1,
      attemptState: item.state,
      appId: w.id,
      appCreatedTime: w.createdAt,
      appProgress: w.state === "succeeded" ? 1 : 0,
      appTrackingUrl: "",
      appLaunchedTime: item.launchedTime,
      appCompletedTime: w.finishedAt,
      appExitCode: exit.code,
      appExitSpec: exit.code === null ? null : { code: exit.code, phrase: item.state },
      appExitDiagnostics: exit.diagnostics,
      appExitMessages: { container: exit.task?.message ?? null, runtime: null, launcher: null },
      appExitTriggerMessage: exit.diagnostics,
      appExitTriggerTaskRoleName: exit.task?.role ?? null,
      appExitTriggerTaskIndex: exit.task?.index ?? null,
      appExitType:
        exit.code === null || exit.code === 0 ? null : w.state === "stopped" ? "USER_STOP" : "FAILED",
      waitingReason: item.waitingReason,
    },
    taskRoles: Object.fromEntries(
      w.roles.map((r) => [
        r.name,
        {
          taskRoleStatus: { name: r.name },
          taskStatuses: tasks
            .filter((t) => t.role === r.name)
            .sort((a, b) => a.index - b.index)
            .map((t) => presentTask(c, w, t)),
        },
      ]),
    ),
  };
}

/**
 * One job attempt (GET /job-attempts[/:idx], OpenPAI's job history shape): the attempt's identity,
 * state and exit, then its jobStatus fields and task roles as the job detail shows them.
 */
export function presentAttempt(c: PresentContext, a: JobAttemptView) {
  const d = presentDetail(c, a.workload, a.tasks);
  const s = d.jobStatus;
  return {
    jobName: a.workload.name,
    frameworkName: d.frameworkName,
    userName: a.workload.owner,
    jobId: a.workload.id,
    attemptIndex: a.index,
    isLatest: a.isLatest,
    ...s,
    attemptState: s.state,
    originState: s.subState,
    maxAttemptCount: a.workload.maxJobAttempts,
    jobStartedTime: a.workload.createdAt,
    attemptStartedTime: a.startedAt,
    attemptCompletedTime: a.workload.finishedAt,
    exitCode: s.appExitCode,
    exitPhrase: s.appExitSpec?.phrase ?? null,
    exitType: s.appExitType,
    exitDiagnostics: s.appExitDiagnostics,
    totalGpuNumber: a.workload.roles.reduce((n, r) => n + r.resources.gpu * r.instances, 0),
    totalTaskNumber: a.workload.roles.reduce((n, r) => n + r.instances, 0),
    totalTaskRoleNumber: a.workload.roles.length,
    taskRoles: d.taskRoles,
  };
}
