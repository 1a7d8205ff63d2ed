import type { App } from "../../core/apps";
import type { Principal } from "../../core/auth";
import { AppLimitError } from "../../core/apps";
import type { User } from "../../core/model";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import type { InferenceServiceRef, ServiceDirectory } from "./inference-contract";

/** ModelArts's quota error: "The expected {0} exceeds the quota limit." */
export const QUOTA_EXCEEDED = "ModelArts.0116";

export const callerOf = (ctx: { state: { principal?: unknown } }): User =>
  (ctx.state.principal as Principal).user;

/**
 * The app `id` when `user` created it (or is the global admin); otherwise "not found", so
 * other users' app ids are not probed.
 */
export function reachableApp(deps: ModelArtsDeps, user: User, id: string): App {
  const app = deps.core.apps.find(id);
  if (!app || (app.ownerId !== user.id && !deps.core.authz.isAdmin(user)))
    throw new ModelArtsError(404, GENERIC.notFound, `app ${id} not found`);
  return app;
}

/** Runs `fn`, answering the core's app limits as ModelArts's quota error. */
export function withinQuota<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AppLimitError)
      throw new ModelArtsError(
        400,
        QUOTA_EXCEEDED,
        `The expected ${err.what} exceeds the quota limit (${err.limit}).`,
      );
    throw err;
  }
}

/**
 * The service `id` when `user` may change it: its owner, an admin of its workspace, the global
 * admin (core.authz, "object.write"). Others, and unknown ids, get "not found".
 */
export function manageableService(
  deps: ModelArtsDeps,
  directory: ServiceDirectory,
  user: User,
  id: string,
): InferenceServiceRef {
  const service = directory.find(id);
  const owner = service && deps.core.users.list().find((u) => u.id === service.ownerId);
  const unit = service && deps.workspaces.find(service.workspaceId);
  if (
    !service ||
    !deps.core.authz.can(user, "object.write", {
      kind: "object",
      owner: owner?.username ?? "",
      unitId: unit?.id ?? null,
    })
  )
    throw new ModelArtsError(404, GENERIC.notFound, `service ${id} not found`);
  return service;
}
