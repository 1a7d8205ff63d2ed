import type { Core } from "../../core";
import type { EnvDecorator } from "../../core/desired";
import type { Task } from "../../core/model";
import { taskName, trainingMeta } from "./training-meta";

/** Where ModelArts runs a job from when it names no working_dir. */
const JOB_DIR = "/home/ma-user/modelarts/user-job-dir";

/**
 * The environment ModelArts gives a training job's containers: the job's size and this task's
 * place in it, for distributed training (a job of node_count > 1 is a gang: every task is placed
 * together, so the host list is complete). Host addresses are the nodes' addresses as their
 * agents report them; tasks reach each other over published ports or the host network.
 */
export function trainingEnv(core: Core): EnvDecorator {
  return (ctx): Record<string, string> => {
    const { workload, role, task } = ctx;
    const meta = trainingMeta(workload);
    if (!meta) return {};
    // Read after the check: the core loads a workload's tasks on first use (hub/core/desired.ts).
    const tasks = ctx.tasks;
    const host = (t: Task) => (t.nodeId ? core.nodes.findById(t.nodeId)?.address : undefined) || t.ip || "";
    const peers = tasks.filter((t) => t.role === role.name).sort((a, b) => a.index - b.index);
    return {
      MA_JOB_ID: workload.id,
      MA_JOB_NAME: workload.name,
      MA_TASK_NAME: role.name,
      MA_CURRENT_TASK_NAME: taskName(task.index),
      MA_NUM_HOSTS: String(meta.nodeCount),
      MA_NUM_GPUS: String(role.resources.gpu),
      MA_CURRENT_HOST_IP: host(task),
      MA_CURRENT_IP: task.ip || host(task),
      MA_JOB_DIR: meta.algorithm.workingDir ?? JOB_DIR,
      VC_TASK_INDEX: String(task.index),
      VC_WORKER_NUM: String(meta.nodeCount),
      VC_WORKER_HOSTS: peers.map(host).join(","),
    };
  };
}
