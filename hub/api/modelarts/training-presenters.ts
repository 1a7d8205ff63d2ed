import type { Core } from "../../core";
import type { Task, Workload } from "../../core/model";
import { presentFlavorDetail, presentTrainingFlavor } from "./flavor-presenters";
import type { TrainingChannel, TrainingMeta } from "./training-meta";
import { taskName, trainingMeta } from "./training-meta";
import { jobTimes, trainingPhase } from "./training-phase";

const channel = (c: TrainingChannel) => ({
  name: c.name,
  description: c.description,
  local_dir: c.localDir,
  ...(c.accessMethod ? { access_method: c.accessMethod } : {}),
  ...(c.remote ? { remote: c.remote } : {}),
});

/** The tasks of the job's current attempt, by index. */
const current = (tasks: readonly Task[]) => [...tasks].sort((a, b) => a.index - b.index);

/** A job's `status` (times epoch ms; duration ms from the first task start to the end or now). */
export function presentStatus(core: Core, w: Workload, tasks: readonly Task[]): Record<string, unknown> {
  const { phase, secondary } = trainingPhase(w, tasks);
  const { start, duration } = jobTimes(w, tasks, core.clock.now());
  const hostIp = (t: Task) => (t.nodeId ? (core.nodes.findById(t.nodeId)?.address ?? "") : "");
  return {
    phase,
    secondary_phase: secondary,
    duration,
    tasks: current(tasks).map((t) => taskName(t.index)),
    ...(start !== null ? { start_time: start } : {}),
    task_statuses: current(tasks)
      .filter((t) => t.exitCode !== null || t.message)
      .map((t) => ({ task: taskName(t.index), exit_code: t.exitCode ?? -1, message: t.message ?? "" })),
    task_ips: current(tasks)
      .filter((t) => t.nodeId !== null)
      .map((t) => ({
        task: taskName(t.index),
        ip: t.ip ?? hostIp(t),
        host_ip: hostIp(t),
        schedule_count: t.attempt,
      })),
  };
}

/** The job's `algorithm` as ModelArts shows it (environments as a list of one-key maps). */
export function presentAlgorithmPart(a: TrainingMeta["algorithm"]): Record<string, unknown> {
  return {
    ...(a.id ? { id: a.id } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.codeDir ? { code_dir: a.codeDir } : {}),
    ...(a.bootFile ? { boot_file: a.bootFile } : {}),
    command: a.command,
    parameters: a.parameters.map((p) => ({
      name: p.name,
      value: p.value,
      description: p.description,
      ...(p.constraint ? { constraint: p.constraint } : {}),
    })),
    inputs: a.inputs.map(channel),
    outputs: a.outputs.map(channel),
    engine: a.engine,
    ...(a.localCodeDir ? { local_code_dir: a.localCodeDir } : {}),
    ...(a.workingDir ? { working_dir: a.workingDir } : {}),
    environments: Object.entries(a.environments).map(([k, v]) => ({ [k]: v })),
  };
}

/** A training job as GET /v2/{project_id}/training-jobs/{id} answers it. */
export function presentJob(core: Core, w: Workload): Record<string, unknown> {
  const t = trainingMeta(w)!;
  const tasks = core.workloads.tasks(w.id);
  const policy = t.schedulePolicy ?? {};
  return {
    kind: "job",
    metadata: {
      id: w.id,
      name: w.name,
      workspace_id: t.workspaceId,
      description: t.description,
      create_time: w.createdAt,
      user_name: w.owner,
      annotations: t.annotations,
    },
    status: presentStatus(core, w, tasks),
    algorithm: presentAlgorithmPart(t.algorithm),
    spec: {
      resource: {
        policy: "regular",
        flavor_id: t.flavor.id,
        flavor_name: t.flavor.name,
        node_count: t.nodeCount,
        ...(t.poolId ? { pool_id: t.poolId } : {}),
        flavor_detail: presentFlavorDetail(t.flavor),
      },
      volumes: t.volumes,
      ...(t.logExportPath ? { log_export_path: t.logExportPath } : {}),
      schedule_policy: {
        ...policy,
        priority: typeof policy.priority === "number" ? policy.priority : 1,
        preemptible: w.preemptible,
      },
      ...(t.autoStop ? { auto_stop: t.autoStop } : {}),
    },
  };
}

/** The flavor a job's tasks run with, as task_resource shows it. */
export const presentTaskResource = (t: TrainingMeta) => presentTrainingFlavor(t.flavor);
