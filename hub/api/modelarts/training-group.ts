import type Router from "@koa/router";
import type { ApiState } from "../context";
import type { ModelArtsDeps } from "./deps";
import { trainingExtraRoutes } from "./training-extra-routes";
import { TrainingJobs } from "./training-jobs";
import { trainingRoutes } from "./training-routes";
import { trainingTaskRoutes } from "./training-task-routes";

/** The training group: jobs, their tasks' events/logs/metrics, tags, quotas and the rest. */
export function trainingGroup(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const jobs = new TrainingJobs(deps);
  // Fixed paths (autosearch templates) before the `/:training_job_id` ones.
  trainingExtraRoutes(router, deps, jobs);
  trainingRoutes(router, deps, jobs);
  trainingTaskRoutes(router, deps, jobs);
}
