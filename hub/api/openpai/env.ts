import type { Core } from "../../core";
import type { EnvDecorator } from "../../core/desired";
import type { Task, TaskRole } from "../../core/model";
import { jobMeta } from "./job-meta";

/**
 * The OpenPAI runtime environment of a job's containers (PAI_*). Ports: inside a container a
 * label's ports are its container ports (PAI_CONTAINER_HOST_<label>_PORT_LIST, what the process
 * listens on); other tasks' lists name their node address and published host port once known,
 * the container port before that. Host lists are complete for gang jobs (placed together).
 */
export function openpaiEnv(core: Core): EnvDecorator {
  return (ctx) => {
    const { workload, role, task } = ctx;
    const meta = jobMeta(workload);
    if (!meta) return {};
    // Read after the check: the core loads a workload's tasks on first use (hub/core/desired.ts).
    const tasks = ctx.tasks;
    const host = (t: Task) => (t.nodeId ? core.nodes.findById(t.nodeId)?.address : undefined) || t.ip || "";
    const labels = (r: TaskRole) => meta.portLabels[r.name] ?? {};
    const portsOf = (r: TaskRole, t: Task, label: string, inside: boolean) =>
      (labels(r)[label] ?? []).map((name) => {
        const spec = r.ports.find((p) => p.name === name);
        const bound = t.ports.find((p) => p.name === name)?.hostPort;
        return String(inside || !bound ? spec?.containerPort : bound);
      });
    const env: Record<string, string> = {
      PAI_JOB_NAME: workload.name,
      PAI_USER_NAME: workload.owner,
      PAI_USERNAME: workload.owner,
      PAI_FRAMEWORK_NAME: `${workload.owner}~${workload.name}`,
      PAI_VIRTUAL_CLUSTER: meta.virtualCluster,
      PAI_JOB_VC_NAME: meta.virtualCluster,
      PAI_TASK_ROLE_NAME: role.name,
      PAI_CURRENT_TASK_ROLE_NAME: role.name,
      PAI_TASK_INDEX: String(task.index),
      PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX: String(task.index),
      PAI_TASK_ROLE_INDEX: String(workload.roles.indexOf(role)),
      PAI_TASK_ROLE_COUNT: String(workload.roles.length),
      PAI_TASK_ROLE_LIST: workload.roles.map((r) => r.name).join(","),
      PAI_TASKS_NUM: String(workload.roles.reduce((s, r) => s + r.instances, 0)),
      PAI_JOB_ATTEMPT_ID: "0",
      PAI_TASK_ATTEMPT_ID: String(task.attempt - 1),
      PAI_CONTAINER_ID: task.id,
      PAI_CONTAINER_HOST_IP: host(task),
      PAI_GPU_COUNT: String(role.resources.gpu),
      PAI_WORK_DIR: "/",
    };
    const own = labels(role);
    env.PAI_CONTAINER_HOST_PORT_LIST = Object.keys(own)
      .map((label) => `${label}:${portsOf(role, task, label, true).join(",")}`)
      .join(";");
    for (const label of Object.keys(own)) {
      env[`PAI_CONTAINER_HOST_${label}_PORT_LIST`] = portsOf(role, task, label, true).join(",");
      env[`PAI_PORT_LIST_${role.name}_${task.index}_${label}`] = portsOf(role, task, label, true).join(",");
    }
    for (const r of workload.roles) {
      const peers = tasks.filter((t) => t.role === r.name).sort((a, b) => a.index - b.index);
      env[`PAI_TASK_ROLE_TASK_COUNT_${r.name}`] = String(r.instances);
      env[`PAI_TASK_ROLE_INSTANCES_${r.name}`] = String(r.instances);
      const first = Object.keys(labels(r))[0];
      env[`PAI_TASK_ROLE_${r.name}_HOST_LIST`] = peers
        .map((t) => (first ? `${host(t)}:${portsOf(r, t, first, false)[0] ?? ""}` : host(t)))
        .join(",");
      for (const t of peers) {
        env[`PAI_HOST_IP_${r.name}_${t.index}`] = host(t);
        if (r === role && t.id === task.id) continue;
        for (const label of Object.keys(labels(r)))
          env[`PAI_PORT_LIST_${r.name}_${t.index}_${label}`] = portsOf(r, t, label, false).join(",");
      }
    }
    return env;
  };
}
