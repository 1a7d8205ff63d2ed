import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { AccessKey } from "../../core/access-keys";
import type { Principal } from "../../core/auth";
import type { User } from "../../core/model";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import { iamUserId, userOfIamId } from "./iam-users";

const CreateBody = z.object({
  credential: z.object({
    user_id: z.string().min(1, "is required"),
    description: z.string().max(255, "at most 255 characters").optional(),
  }),
});
const ListQuery = z.object({ user_id: z.string().optional() });

/** IAM's time form: ISO 8601 with microseconds (the IAM SDK reads these as strings). */
const iamTime = (ms: number): string => new Date(ms).toISOString().replace("Z", "000Z");

const present = (k: AccessKey, user: User | undefined) => ({
  access: k.id,
  status: k.status,
  user_id: user ? iamUserId(user) : k.userId,
  create_time: iamTime(k.createdAt),
  description: k.description,
});

/** Admins act for anyone; other users for themselves only (IAM's own-credential policy). */
function actFor(core: Core, caller: Principal, userId: string): User {
  const user = userOfIamId(core, userId);
  if (!user) throw new ModelArtsError(404, "IAM.0004", `user ${userId} not found`);
  if (!caller.user.admin && user.id !== caller.user.id)
    throw new ModelArtsError(403, GENERIC.forbidden, "you may manage only your own access keys");
  return user;
}

/**
 * IAM permanent access keys (`/v3.0/OS-CREDENTIAL/credentials`): the AK/SK pairs Huawei's SDKs
 * sign ModelArts requests with. The secret is in the create answer only.
 */
export function credentialRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  const base = "/v3.0/OS-CREDENTIAL/credentials";
  const keyOf = (ctx: { state: ApiState; params: Record<string, string | undefined> }): AccessKey => {
    const key = core.accessKeys.find(ctx.params.ak ?? "");
    if (!key) throw new ModelArtsError(404, "IAM.0004", `access key ${ctx.params.ak ?? ""} not found`);
    const caller = ctx.state.principal as Principal;
    if (!caller.user.admin && key.userId !== caller.user.id)
      throw new ModelArtsError(404, "IAM.0004", `access key ${key.id} not found`);
    return key;
  };
  const userById = (id: string) => core.users.list().find((u) => u.id === id);

  router.post(base, deps.auth, validate(CreateBody), (ctx) => {
    const body = input(ctx, CreateBody).credential;
    const user = actFor(core, ctx.state.principal as Principal, body.user_id);
    const { key, secret } = core.accessKeys.create(user, body.description ?? "");
    ctx.status = 201;
    ctx.body = { credential: { ...present(key, user), secret } };
  });
  router.get(base, deps.auth, validate(ListQuery, "query"), (ctx) => {
    const caller = ctx.state.principal as Principal;
    const q = input(ctx, ListQuery);
    const only =
      q.user_id !== undefined
        ? actFor(core, caller, q.user_id).id
        : caller.user.admin
          ? undefined
          : caller.user.id;
    ctx.body = { credentials: core.accessKeys.list(only).map((k) => present(k, userById(k.userId))) };
  });
  router.get(`${base}/:ak`, deps.auth, (ctx) => {
    const key = keyOf(ctx);
    ctx.body = { credential: { ...present(key, userById(key.userId)), last_use_time: "" } };
  });
  router.delete(`${base}/:ak`, deps.auth, (ctx) => {
    core.accessKeys.delete(keyOf(ctx));
    ctx.status = 204;
  });
}
