import type Router from "@koa/router";
import type { Core } from "../../core";
import type { Task } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import type { Access } from "./access";
import { paiAuth } from "./auth";
import { PaiError } from "./errors";
import type { Jobs } from "./jobs";
import { logsPath, originOf, presentTask } from "./presenters";

const TASK = "/api/v2/jobs/:fw/attempts/:attempt/taskRoles/:role/taskIndex/:index/attempts";

/**
 * Task attempts and logs. Logs are served by the hub itself: the locations point back to it, and
 * the text is fetched from the agent that ran the task (its current attempt).
 */
export function logRoutes(router: Router<ApiState>, core: Core, access: Access, jobs: Jobs): void {
  const token = paiAuth(core, access, "token");
  const noLog = (ctx: ApiContext) =>
    new PaiError(
      404,
      "NoTaskLogError",
      `Log of task ${ctx.params.role}[${ctx.params.index}] of job ${ctx.params.fw} is not found.`,
    );
  const locate = (ctx: ApiContext) => {
    const w = jobs.get(ctx.params.fw as string);
    const task = core.workloads
      .tasks(w.id)
      .find((t) => t.role === ctx.params.role && String(t.index) === ctx.params.index);
    if (!task || ctx.params.attempt !== "0") throw noLog(ctx);
    return { w, task };
  };
  const attemptOf = (ctx: ApiContext, task: Task) => {
    if (String(task.attempt - 1) !== ctx.params.taskAttempt || !task.containerId) throw noLog(ctx);
  };

  router.get(TASK, token, (ctx) => {
    const { w, task } = locate(ctx);
    const status = presentTask({ core, origin: originOf(ctx) }, w, task);
    ctx.body = {
      jobAttemptId: 0,
      taskRoleName: task.role,
      taskIndex: task.index,
      taskUid: task.id,
      taskAttempts: [status],
    };
  });
  router.get(`${TASK}/:taskAttempt/logs`, token, (ctx) => {
    const { w, task } = locate(ctx);
    attemptOf(ctx, task);
    ctx.body = { locations: [{ name: "all", uri: `${originOf(ctx)}${logsPath(w, task)}/all` }] };
  });
  router.get(`${TASK}/:taskAttempt/logs/all`, token, async (ctx) => {
    const { w, task } = locate(ctx);
    attemptOf(ctx, task);
    const text = await core.workloads.logs(w, task.index, { role: task.role });
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = text;
  });
}
