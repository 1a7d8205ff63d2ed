import type Router from "@koa/router";
import { ForbiddenError } from "../../core/errors";
import type { User, Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import type { TrainingJobs } from "./training-jobs";
import { trainingMeta } from "./training-meta";
import { jobTimes, trainingPhase, TERMINABLE } from "./training-phase";
import { presentJob } from "./training-presenters";
import { ActionBody, DescriptionBody, JobBody, SearchBody } from "./training-schemas";
import { type SearchRow, searchJobs } from "./training-search";

/** Owners see and change their jobs; admins see all. */
export function visibleTo(user: User, w: Workload): Workload {
  if (!user.admin && w.owner !== user.username) throw new ForbiddenError("not your training job");
  return w;
}

/**
 * Training jobs (`/v2/{project_id}/training-jobs`, `/training-job-searches`): core batch
 * workloads made from a job request (training-jobs.ts). DELETE hides a job from ModelArts (the
 * core keeps the workload and its history) after stopping it if it still runs.
 */
export function trainingRoutes(router: Router<ApiState>, deps: ModelArtsDeps, jobs: TrainingJobs): void {
  const { core, auth } = deps;
  const user = (ctx: ApiContext) => ctx.state.principal!.user;
  const job = (ctx: ApiContext) => visibleTo(user(ctx), jobs.get(String(ctx.params.training_job_id)));
  const BASE = "/v2/:project_id/training-jobs";

  router.post(BASE, auth, validate(JobBody), (ctx) => {
    const w = jobs.create(input(ctx, JobBody), user(ctx));
    ctx.status = 201;
    ctx.body = presentJob(core, w);
  });
  router.post("/v2/:project_id/training-job-searches", auth, validate(SearchBody), (ctx) => {
    const q = input(ctx, SearchBody);
    const u = user(ctx);
    const byId = new Map<string, Workload>();
    const rows: SearchRow[] = jobs
      .list()
      .filter((w) => u.admin || w.owner === u.username)
      .map((w) => {
        byId.set(w.id, w);
        const t = trainingMeta(w)!;
        const tasks = core.workloads.tasks(w.id);
        const { phase, secondary } = trainingPhase(w, tasks);
        return {
          id: w.id,
          name: w.name,
          description: t.description,
          user_name: w.owner,
          workspace_id: t.workspaceId,
          phase,
          secondary_phase: secondary,
          flavor_id: t.flavor.id,
          create_time: w.createdAt,
          duration: jobTimes(w, tasks, core.clock.now()).duration,
          tags: t.tags,
        };
      });
    const { total, items } = searchJobs(rows, q);
    ctx.body = {
      total,
      count: items.length,
      limit: q.limit,
      offset: q.offset,
      sort_by: q.sort_by,
      order: q.order,
      ...(q.group_by ? { group_by: q.group_by } : {}),
      ...(q.workspace_id ? { workspace_id: q.workspace_id } : {}),
      items: items.map((r) => presentJob(core, byId.get(r.id)!)),
    };
  });
  router.get(`${BASE}/:training_job_id`, auth, (ctx) => {
    ctx.body = presentJob(core, job(ctx));
  });
  router.put(`${BASE}/:training_job_id`, auth, validate(DescriptionBody), (ctx) => {
    const { description } = input(ctx, DescriptionBody);
    jobs.update(job(ctx), (t) => ({ ...t, description }));
    ctx.status = 204;
  });
  router.delete(`${BASE}/:training_job_id`, auth, (ctx) => {
    let w = job(ctx);
    if (w.state === "pending" || w.state === "running") w = core.workloads.stop(w);
    jobs.update(core.workloads.find(w.id) ?? w, (t) => ({ ...t, deletedAt: core.clock.now() }));
    ctx.status = 202;
  });
  router.post(`${BASE}/:training_job_id/actions`, auth, validate(ActionBody), (ctx) => {
    const w = job(ctx);
    const { phase } = trainingPhase(w, core.workloads.tasks(w.id));
    if (!TERMINABLE.has(phase))
      throw new ModelArtsError(
        400,
        GENERIC.conflict,
        `training job ${w.name} is ${phase}; only a creating, pending or running job can be terminated`,
      );
    const stopped = core.workloads.stop(w);
    ctx.status = 202;
    ctx.body = presentJob(core, stopped);
  });
}
