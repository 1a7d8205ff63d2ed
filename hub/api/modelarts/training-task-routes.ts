import type Router from "@koa/router";
import { NotFoundError, UnauthenticatedError } from "../../core/errors";
import type { Task, Workload, WorkloadEvent } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import type { TrainingJobs } from "./training-jobs";
import { taskIndex, taskName } from "./training-meta";
import { presentTaskMetrics } from "./training-metrics";
import { visibleTo } from "./training-routes";
import { EventsQuery } from "./training-schemas";

/** The preview shows at most the last 5 MiB of a task's log (ModelArts's limit). */
export const PREVIEW_BYTES = 5 * 1024 * 1024;
/** How long a log URL works. @default 15 minutes */
export const LOG_URL_TTL_MS = 15 * 60_000;

/** Where an event comes from in ModelArts's words: scheduler (K8S), a task, or the job. */
function source(e: WorkloadEvent): "K8S" | "Job" | "Task" {
  if (e.reason === "Scheduled" || e.reason === "Preempted") return "K8S";
  return e.taskId ? "Task" : "Job";
}
function level(e: WorkloadEvent): "Info" | "Warning" | "Error" {
  if (e.reason === "Failed" || e.reason === "Lost") return "Error";
  return e.type === "Warning" ? "Warning" : "Info";
}
/** A time bound given as epoch ms or an ISO date; NaN when it is neither. */
const timeOf = (s: string): number => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));

/**
 * A job's events, tasks, logs and metrics. The log URL is a hub URL carrying a sealed grant
 * (job, task, user, expiry; AES-GCM with the hub's secret box), so it works without a token
 * header, like ModelArts's pre-signed OBS links, until it expires.
 */
export function trainingTaskRoutes(router: Router<ApiState>, deps: ModelArtsDeps, jobs: TrainingJobs): void {
  const { core, auth } = deps;
  const BASE = "/v2/:project_id/training-jobs/:training_job_id";
  const job = (ctx: ApiContext) =>
    visibleTo(ctx.state.principal!.user, jobs.get(String(ctx.params.training_job_id)));
  const task = (w: Workload, name: string): Task => {
    const index = taskIndex(name);
    const t = index === undefined ? undefined : core.workloads.tasks(w.id).find((x) => x.index === index);
    if (!t) throw new NotFoundError("training task", name);
    return t;
  };

  router.get(`${BASE}/events`, auth, validate(EventsQuery, "query"), (ctx) => {
    const w = job(ctx);
    const q = input(ctx, EventsQuery);
    const from = q.start_time === undefined ? -Infinity : timeOf(q.start_time);
    const to = q.end_time === undefined ? Infinity : timeOf(q.end_time);
    if (Number.isNaN(from) || Number.isNaN(to))
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        "start_time and end_time are epoch milliseconds or ISO dates",
      );
    const all = core.workloads
      .events(w.id)
      .filter((e) => e.at >= from && e.at <= to)
      .filter((e) => !q.source || source(e) === q.source)
      .filter((e) => !q.level || level(e) === q.level)
      .filter((e) => !q.pattern || e.message.toLowerCase().includes(q.pattern.toLowerCase()))
      .sort((a, b) => (q.order === "asc" ? 1 : -1) * (a.at - b.at || a.id - b.id));
    const tasks = new Map(core.workloads.tasks(w.id).map((t) => [t.id, t]));
    ctx.body = {
      total: all.length,
      offset: q.offset,
      limit: q.limit,
      order: q.order,
      ...(q.start_time ? { start_time: q.start_time } : {}),
      ...(q.end_time ? { end_time: q.end_time } : {}),
      events: all.slice(q.offset, q.offset + q.limit).map((e) => {
        const t = e.taskId ? tasks.get(e.taskId) : undefined;
        return {
          time: new Date(e.at).toISOString(),
          level: level(e),
          source: source(e),
          message: t ? `[${taskName(t.index)}] ${e.reason}: ${e.message}` : `${e.reason}: ${e.message}`,
        };
      }),
    };
  });

  router.get(`${BASE}/tasks`, auth, (ctx) => {
    const w = job(ctx);
    const count = ctx.query.schedule_count === undefined ? undefined : Number(ctx.query.schedule_count);
    const address = (t: Task) => (t.nodeId ? (core.nodes.findById(t.nodeId)?.address ?? "") : "");
    ctx.body = core.workloads
      .tasks(w.id)
      .filter((t) => count === undefined || t.attempt === count)
      .sort((a, b) => a.index - b.index)
      .map((t) => ({
        task: taskName(t.index),
        ip: t.ip ?? address(t),
        host_ip: address(t),
        schedule_count: t.attempt,
      }));
  });

  /** The whole log of a task ("" before its container started). */
  const fullLog = async (w: Workload, t: Task): Promise<string> => {
    if (!t.nodeId || !t.containerId) return "";
    return core.workloads.logs(w, t.index, { role: t.role });
  };

  router.get(`${BASE}/tasks/:task_id/logs/preview`, auth, async (ctx) => {
    const w = job(ctx);
    const t = task(w, String(ctx.params.task_id));
    const full = Buffer.from(await fullLog(w, t), "utf8");
    const shown = full.length > PREVIEW_BYTES ? full.subarray(full.length - PREVIEW_BYTES) : full;
    ctx.body = { content: shown.toString("utf8"), current_size: shown.length, full_size: full.length };
  });

  router.get(`${BASE}/tasks/:task_id/logs/url`, auth, (ctx) => {
    const w = job(ctx);
    const t = task(w, String(ctx.params.task_id));
    const grant = {
      w: w.id,
      i: t.index,
      u: ctx.state.principal!.user.username,
      exp: core.clock.now() + LOG_URL_TTL_MS,
    };
    const token = Buffer.from(core.secretBox.seal(JSON.stringify(grant))).toString("base64url");
    const path = `/v2/${deps.project.id}/training-jobs/${w.id}/tasks/${taskName(t.index)}/logs/file`;
    ctx.body = { obs_url: `${ctx.protocol}://${ctx.host}${path}?token=${token}` };
  });

  // The log URL itself: no token header, the sealed grant in the query string authenticates.
  router.get(`${BASE}/tasks/:task_id/logs/file`, async (ctx) => {
    const w = jobs.get(String(ctx.params.training_job_id));
    const t = task(w, String(ctx.params.task_id));
    let grant: { w: string; i: number; u: string; exp: number } | undefined;
    try {
      grant = JSON.parse(
        core.secretBox.open(Buffer.from(String(ctx.query.token ?? ""), "base64url").toString("utf8")),
      );
    } catch {
      grant = undefined;
    }
    if (!grant || grant.w !== w.id || grant.i !== t.index || grant.exp <= core.clock.now())
      throw new UnauthenticatedError("the log link is invalid or has expired; ask for a new one");
    ctx.type = "text/plain; charset=utf-8";
    ctx.set("Content-Disposition", `attachment; filename="modelarts-job-${w.id}-${taskName(t.index)}.log"`);
    ctx.body = await fullLog(w, t);
  });

  router.get(`${BASE}/metrics/:task_id`, auth, (ctx) => {
    const w = job(ctx);
    const t = task(w, String(ctx.params.task_id));
    ctx.body = { metrics: presentTaskMetrics(core, w, t) };
  });
}
