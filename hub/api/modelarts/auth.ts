import type { Core } from "../../core";
import { UnauthenticatedError } from "../../core/errors";
import type { ApiMiddleware } from "../context";
import { tokenFrom } from "../middleware/auth";

/**
 * Who is calling a ModelArts route: `X-Auth-Token` (an IAM token from POST /v3/auth/tokens) or
 * `Authorization: Bearer` of the other surfaces — one token system. Sets ctx.state.principal.
 */
export function modelartsAuth(core: Core): ApiMiddleware {
  return async function modelartsAuth(ctx, next) {
    const token = tokenFrom(ctx);
    if (!token)
      throw new UnauthenticatedError("missing credentials: send X-Auth-Token or an AK/SK signature");
    ctx.state.principal = core.auth.authenticate(token);
    await next();
  };
}
