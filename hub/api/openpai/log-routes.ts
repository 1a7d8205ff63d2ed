import type Router from "@koa/router";
import type { Core } from "../../core";
import type { Task } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import type { Access } from "./access";
import type { AttemptHistory } from "./attempts";
import { caller, paiAuth } from "./auth";
import { forbidden, PaiError } from "./errors";
import type { Jobs } from "./jobs";
import { logsPath, originOf, presentTask } from "./presenters";

const TASK = "/api/v2/jobs/:fw/attempts/:attempt/taskRoles/:role/taskIndex/:index/attempts";

/**
 * Task attempts and logs, per job attempt. Logs are served by the hub itself: the locations point
 * back to it, and the text is fetched from the agent that ran that attempt (agents keep exited
 * containers for an hour).
 */
export function logRoutes(
  router: Router<ApiState>,
  core: Core,
  access: Access,
  jobs: Jobs,
  history: AttemptHistory,
): void {
  const token = paiAuth(core, access, "token");
  const noLog = (ctx: ApiContext) =>
    new PaiError(
      404,
      "NoTaskLogError",
      `Log of task ${ctx.params.role}[${ctx.params.index}] of job ${ctx.params.fw} is not found.`,
    );
  const locate = (ctx: ApiContext) => {
    const user = caller(ctx).user;
    const w = jobs.get(ctx.params.fw as string, user);
    // Task attempts and logs are the owner's (as the native API's): others are refused.
    if (!jobs.mayReadLogs(user, w))
      throw forbidden(`User ${user.username} is not allowed to read logs of job ${ctx.params.fw as string}.`);
    const attempt = history.find(w, ctx.params.attempt);
    const task = attempt?.tasks.find(
      (t) => t.role === ctx.params.role && String(t.index) === ctx.params.index,
    );
    if (!attempt || !task) throw noLog(ctx);
    return { w, attempt, task };
  };
  const attemptOf = (ctx: ApiContext, task: Task) => {
    if (String(task.attempt - 1) !== ctx.params.taskAttempt || !task.containerId || !task.nodeId)
      throw noLog(ctx);
    return { attempt: task.attempt, nodeId: task.nodeId };
  };

  router.get(TASK, token, (ctx) => {
    const { attempt, task } = locate(ctx);
    const status = presentTask({ core, origin: originOf(ctx) }, attempt.workload, task);
    ctx.body = {
      jobAttemptId: attempt.index,
      taskRoleName: task.role,
      taskIndex: task.index,
      taskUid: task.id,
      taskAttempts: [status],
    };
  });
  router.get(`${TASK}/:taskAttempt/logs`, token, (ctx) => {
    const { attempt, task } = locate(ctx);
    attemptOf(ctx, task);
    const uri = `${originOf(ctx)}${logsPath(attempt.workload, task)}/all`;
    ctx.body = { locations: [{ name: "all", uri }] };
  });
  router.get(`${TASK}/:taskAttempt/logs/all`, token, async (ctx) => {
    const { w, task } = locate(ctx);
    const text = await core.workloads.logs(w, task.index, { role: task.role, attempt: attemptOf(ctx, task) });
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = text;
  });
}
