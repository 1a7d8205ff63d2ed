import type { Core } from "../../core";
import type { User, Workload } from "../../core/model";
import { ModelArtsError } from "./errors";
import { liveNotebookOf } from "./notebook-model";

/**
 * Whether `user` may see and act on a ModelArts object (a notebook, a job): through the core's
 * one authorization model, its owner, its workspace's administrators and the global admin.
 */
export const mayReach = (core: Core, user: User, w: Pick<Workload, "owner" | "quotaUnitId">): boolean =>
  core.authz.can(user, "object.write", { kind: "object", owner: w.owner, unitId: w.quotaUnitId });

/**
 * The notebook `id` when it is live and `user` may reach it; otherwise ModelArts's "not found"
 * (400 ModelArts.6309), for another user's notebook too, so ids are not probed.
 */
export function reachableNotebook(core: Core, user: User, id: string): Workload {
  const w = core.workloads.find(id);
  if (!w || !liveNotebookOf(w) || !mayReach(core, user, w)) {
    throw new ModelArtsError(400, "ModelArts.6309", `notebook ${id} not found`);
  }
  return w;
}
