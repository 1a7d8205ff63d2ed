import type Router from "@koa/router";
import { z } from "zod";
import type { Principal } from "../../core/auth";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import { iamUserId, userOfIamId } from "./iam-users";

/** The surface's name in core.surfaceSettings. */
const SURFACE = "modelarts";

/** One stored authorization: who ModelArts acts as for a user (an agency, or an AK/SK). */
interface StoredAuthorization {
  user_id: string;
  user_name: string;
  user_type: string;
  type: "agency" | "credential";
  content: string;
  /** The SK of a credential authorization, sealed (core.secretBox); never returned. */
  secret_sealed?: string;
  create_time: number;
}

/** `all` (or `all-users`): every IAM user of the account. */
const ALL_USERS = new Set(["all", "all-users"]);

const AuthorizationBody = z.object({
  user_id: z.string().min(1).max(64).optional(),
  user_name: z.string().optional(),
  user_type: z.enum(["iam", "federate", "federation-group", "all-users"]).optional(),
  type: z.enum(["agency", "credential"], "must be agency or credential"),
  content: z.string().min(1, "is required").max(64, "at most 64 characters"),
  secret_key: z.string().optional(),
});
const ListQuery = z.object({
  sort_by: z.enum(["user_name", "create_time"]).optional(),
  order: z.enum(["asc", "desc", "ASC", "DESC"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
const DeleteQuery = z.object({ user_id: z.string().optional() });
const AgencyBody = z.object({ agency_name_suffix: z.string().max(64).optional() });
const AuthModeBody = z.object({ mode: z.enum(["strict", "loose"], "must be strict or loose") });

/**
 * Authorization management (`/v2/{project_id}/authorizations`, `/agency`) and the account's
 * authorization mode (`/v1/auth-mode`): stored as given and returned as stored. They grant
 * nothing here (Corral reaches no OBS or SWR on a user's behalf); the SK of a credential
 * authorization is sealed and shown masked.
 */
export function authorizationRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project } = deps;
  const load = () => core.surfaceSettings.get<StoredAuthorization[]>(SURFACE, "authorizations") ?? [];
  const store = (list: StoredAuthorization[]) => core.surfaceSettings.set(SURFACE, "authorizations", list);
  const admin = (ctx: { state: ApiState }) => {
    if (!(ctx.state.principal as Principal).user.admin)
      throw new ModelArtsError(
        403,
        GENERIC.forbidden,
        "only the account's administrators manage authorizations",
      );
  };
  const present = (a: StoredAuthorization) => ({
    user_id: a.user_id,
    user_name: a.user_name,
    user_type: a.user_type,
    type: a.type,
    content: a.content,
    ...(a.secret_sealed ? { secret_key: "********" } : {}),
    create_time: a.create_time,
  });

  router.post("/v2/:project_id/authorizations", deps.auth, validate(AuthorizationBody), (ctx) => {
    admin(ctx);
    const b = input(ctx, AuthorizationBody);
    if (b.type === "credential" && !b.secret_key)
      throw new ModelArtsError(400, GENERIC.invalid, "secret_key is required for a credential authorization");
    const id = b.user_id ?? "";
    if (!id && !b.user_name)
      throw new ModelArtsError(400, GENERIC.invalid, "user_id or user_name is required");
    const targets = ALL_USERS.has(id)
      ? core.users.list().map((u) => ({ user_id: iamUserId(u), user_name: u.username, user_type: "iam" }))
      : [
          (() => {
            const user = id ? userOfIamId(core, id) : b.user_name ? core.users.find(b.user_name) : undefined;
            if (!user && (b.user_type ?? "iam") === "iam")
              throw new ModelArtsError(
                400,
                GENERIC.notFound,
                `IAM user ${id || (b.user_name ?? "")} not found`,
              );
            return {
              user_id: user ? iamUserId(user) : id,
              user_name: user?.username ?? b.user_name ?? "",
              user_type: b.user_type ?? "iam",
            };
          })(),
        ];
    const now = core.clock.now();
    const list = load().filter(
      (a) => !targets.some((t) => t.user_id === a.user_id && t.user_name === a.user_name),
    );
    for (const t of targets) {
      list.push({
        ...t,
        type: b.type,
        content: b.content,
        ...(b.secret_key ? { secret_sealed: core.secretBox.seal(b.secret_key) } : {}),
        create_time: now,
      });
    }
    store(list);
    ctx.body = {};
  });

  router.get("/v2/:project_id/authorizations", deps.auth, validate(ListQuery, "query"), (ctx) => {
    const q = input(ctx, ListQuery);
    const key = q.sort_by ?? "user_name";
    const dir = (q.order ?? "asc").toLowerCase() === "desc" ? -1 : 1;
    const all = load().sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * dir);
    const offset = q.offset ?? 0;
    ctx.body = { total_count: all.length, auth: all.slice(offset, offset + (q.limit ?? 1000)).map(present) };
  });

  router.delete("/v2/:project_id/authorizations", deps.auth, validate(DeleteQuery, "query"), (ctx) => {
    admin(ctx);
    const id = input(ctx, DeleteQuery).user_id;
    const before = load();
    const after = id === undefined || ALL_USERS.has(id) ? [] : before.filter((a) => a.user_id !== id);
    if (id !== undefined && !ALL_USERS.has(id) && after.length === before.length)
      throw new ModelArtsError(400, GENERIC.notFound, `no authorization for user ${id}`);
    store(after);
    ctx.body = {};
  });

  router.post("/v2/:project_id/agency", deps.auth, validate(AgencyBody), (ctx) => {
    admin(ctx);
    const suffix = input(ctx, AgencyBody).agency_name_suffix;
    const name = suffix ? `modelarts_agency_${suffix}` : "modelarts_agency";
    const agencies =
      core.surfaceSettings.get<{ name: string; create_time: number }[]>(SURFACE, "agencies") ?? [];
    if (!agencies.some((a) => a.name === name)) {
      agencies.push({ name, create_time: core.clock.now() });
      core.surfaceSettings.set(SURFACE, "agencies", agencies);
    }
    ctx.body = { agency_name: name, domain_id: project.domain.id };
  });

  router.get("/v1/auth-mode", deps.auth, (ctx) => {
    ctx.body = {
      domain_id: project.domain.id,
      mode: core.surfaceSettings.get<string>(SURFACE, "auth-mode") ?? "loose",
    };
  });
  router.put("/v1/auth-mode", deps.auth, validate(AuthModeBody), (ctx) => {
    admin(ctx);
    const mode = input(ctx, AuthModeBody).mode;
    core.surfaceSettings.set(SURFACE, "auth-mode", mode);
    ctx.body = { domain_id: project.domain.id, mode };
  });
}
