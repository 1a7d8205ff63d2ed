import type Router from "@koa/router";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { unsupported } from "./errors";
import type { TrainingJobs } from "./training-jobs";
import { trainingMeta } from "./training-meta";
import { visibleTo } from "./training-routes";
import { TagsBody } from "./training-schemas";

/**
 * The rest of ModelArts's training group: job tags (`/modelarts-training-job/{id}/tags`),
 * training quotas, and the documented operations Corral has no concept for (experiments,
 * hyperparameter auto-search, stages, reports, saving a task's image, gallery publication, event
 * notification categories), which answer the documented not-supported error.
 */
export function trainingExtraRoutes(router: Router<ApiState>, deps: ModelArtsDeps, jobs: TrainingJobs): void {
  const { auth } = deps;
  const TAGS = "/v2/:project_id/modelarts-training-job/:training_job_id/tags";
  const job = (ctx: ApiContext) =>
    visibleTo(ctx.state.principal!.user, jobs.get(String(ctx.params.training_job_id)));

  router.get(TAGS, auth, (ctx) => {
    ctx.body = { tags: trainingMeta(job(ctx))!.tags };
  });
  router.post(`${TAGS}/create`, auth, validate(TagsBody), (ctx) => {
    const { tags } = input(ctx, TagsBody);
    jobs.update(job(ctx), (t) => {
      const keep = t.tags.filter((old) => !tags.some((n) => n.key === old.key));
      return { ...t, tags: [...keep, ...tags] };
    });
    ctx.status = 204;
  });
  // The SDK sends the tags to remove as a DELETE body (the surface parses DELETE bodies).
  router.delete(`${TAGS}/delete`, auth, validate(TagsBody), (ctx) => {
    const { tags } = input(ctx, TagsBody);
    jobs.update(job(ctx), (t) => ({
      ...t,
      tags: t.tags.filter(
        (old) => !tags.some((d) => d.key === old.key && (d.value === "" || d.value === old.value)),
      ),
    }));
    ctx.status = 204;
  });

  router.get("/v2/:project_id/training-quotas", auth, (ctx) => {
    const u = ctx.state.principal!.user;
    const live = jobs
      .list()
      .filter(
        (w) =>
          (u.admin || w.owner === u.username) &&
          (w.state === "pending" || w.state === "running" || w.state === "stopping"),
      );
    // Corral caps resources per workspace (workspace quotas), not the number of jobs: -1.
    ctx.body = { quotas: [{ resource: "train_job", quota: -1, used: live.length }] };
  });

  const no =
    (what: string, why: string): ApiMiddleware =>
    async () => {
      throw unsupported(what, why);
    };
  const EXP = "/v2/:project_id/training-experiments";
  const noExperiments = no("training experiments", "Corral has no experiment grouping; tag jobs instead");
  router.get(EXP, auth, noExperiments);
  router.post(EXP, auth, noExperiments);
  router.get(`${EXP}/:experiment_id`, auth, noExperiments);
  router.put(`${EXP}/:experiment_id`, auth, noExperiments);
  router.delete(`${EXP}/:experiment_id`, auth, noExperiments);
  router.get("/v2/:project_id/training-experiment-names", auth, noExperiments);
  const noSearch = no(
    "hyperparameter auto-search",
    "Corral runs the command it is given and searches no parameters",
  );
  router.get("/v2/:project_id/training-jobs/autosearch/yaml-templates", auth, noSearch);
  router.get(
    "/v2/:project_id/training-jobs/autosearch/yaml-templates/:algorithm_type/:algorithm_name",
    auth,
    noSearch,
  );
  const JOB = "/v2/:project_id/training-jobs/:training_job_id";
  router.get(`${JOB}/autosearch-parameter-analysis`, auth, noSearch);
  router.get(`${JOB}/autosearch-parameter-analysis/:parameter_name`, auth, noSearch);
  router.post(`${JOB}/autosearch-trial-earlystop/:trial_id`, auth, noSearch);
  router.get(`${JOB}/autosearch-trials`, auth, noSearch);
  router.get(`${JOB}/autosearch-trials/:trial_id`, auth, noSearch);
  router.get(
    `${JOB}/stages`,
    auth,
    no("training job stages", "Corral reports phases, events and logs, not per-stage progress"),
  );
  router.post(
    `${JOB}/tasks/:task_id/reports/:report_type`,
    auth,
    no("task reports", "Corral has no agent-side training reporter"),
  );
  const noSave = no(
    "saving a training task's image",
    "Corral does not commit batch containers; commit a notebook instead",
  );
  router.get(`${JOB}/tasks/:task_id/save-image-job`, auth, noSave);
  router.post(`${JOB}/tasks/:task_id/save-image-job`, auth, noSave);
  router.post(
    "/v2/:project_id/gallery-algorithm-publication",
    auth,
    no("publishing to AI Gallery", "AI Gallery is Huawei's marketplace"),
  );
  router.get(
    "/v2/:project_id/training-event-categories",
    auth,
    no("event notification categories", "Corral sends no SMN notifications"),
  );
}
