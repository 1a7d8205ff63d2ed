import type { Authorizer } from "../../core/authz/authorizer";
import type { Action, Resource } from "../../core/authz/model";
import { UnauthenticatedError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";

const SYSTEM: Resource = { kind: "system" };

/**
 * Asks core.authz whether the authenticated caller may do `action` (on the hub's shared estate
 * unless `resource` says otherwise); a ForbiddenError, in the surface's own 403, when not. Use
 * after the surface's authentication.
 */
export function authorize(
  authz: Authorizer,
  action: Action,
  resource: (ctx: ApiContext) => Resource = () => SYSTEM,
  message?: string,
): ApiMiddleware {
  return async function authorize(ctx, next) {
    const user = ctx.state.principal?.user;
    if (!user) throw new UnauthenticatedError("not logged in");
    authz.require(user, action, resource(ctx), message);
    await next();
  };
}

/** The global admin's routes: changing the hub's shared estate (core action `system.write`). */
export const adminOnly = (authz: Authorizer): ApiMiddleware =>
  authorize(authz, "system.write", () => SYSTEM, "admin rights required");
