import type { Core } from "../../core";
import type { User, Workload } from "../../core/model";

/**
 * Whether `user` may see and act on a ModelArts object (a notebook, a job): through the core's
 * one authorization model, its owner, its workspace's administrators and the global admin.
 */
export const mayReach = (core: Core, user: User, w: Pick<Workload, "owner" | "quotaUnitId">): boolean =>
  core.authz.can(user, "object.write", { kind: "object", owner: w.owner, unitId: w.quotaUnitId });
