import type { Core } from "../../core";
import { CorralError, UserNotActiveError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";
import type { Access } from "./access";
import { badToken, forbidden, guest } from "./errors";

/**
 * OpenPAI's auth (docs/compat/openpai.md §6): `Bearer <jwt>`, or `Basic base64(user:<application token>)`
 * (application tokens only). Any other scheme is an invalid token.
 */
function authenticateHeader(core: Core, header: string): NonNullable<ApiContext["state"]["principal"]> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  try {
    if (bearer) return core.auth.authenticate(bearer[1] as string);
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        const principal = core.auth.authenticate(decoded.slice(colon + 1));
        if (principal.token.kind === "application" && principal.user.username === decoded.slice(0, colon))
          return principal;
      }
    }
  } catch (err) {
    if (err instanceof UserNotActiveError) throw forbidden(err.message);
    if (!(err instanceof CorralError)) throw err;
  }
  throw badToken();
}

export type AuthLevel = "token" | "user" | "admin";

/**
 * token: any valid token; user: not an application token; admin: user plus admin rights
 * (which come from groups).
 */
export function paiAuth(core: Core, access: Access, level: AuthLevel = "token"): ApiMiddleware {
  return async function paiAuth(ctx, next) {
    const header = ctx.get("authorization").trim();
    if (!header) throw guest();
    const principal = authenticateHeader(core, header);
    ctx.state.principal = principal;
    if (level !== "token" && principal.token.kind === "application")
      throw forbidden("Applications are not allowed to do this operation.");
    if (level === "admin" && !access.isAdmin(principal.user))
      throw forbidden("Non-admin is not allow to do this operation.");
    await next();
  };
}

export function caller(ctx: ApiContext) {
  const p = ctx.state.principal;
  if (!p) throw guest();
  return p;
}
