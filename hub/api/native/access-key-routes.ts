import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { AccessKey } from "../../core/access-keys";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";

const CreateBody = z.object({
  description: z.string().max(255, "at most 255 characters").optional(),
  /** Whose key: an admin may make one for another user. @default the caller */
  username: z.string().min(1).optional(),
});

/**
 * Permanent access keys (AK/SK) for Huawei Cloud SDK clients (docs/native-api.md): the caller's
 * own, or anyone's for an admin. The secret is in the create answer only.
 */
export function accessKeyRoutes(router: Router<ApiState>, core: Core): void {
  const auth = authenticate(core.auth);
  const username = (id: string) => core.users.list().find((u) => u.id === id)?.username ?? null;
  const present = (k: AccessKey) => ({
    id: k.id,
    username: username(k.userId),
    description: k.description,
    status: k.status,
    createdAt: new Date(k.createdAt).toISOString(),
  });

  router.post("/access-keys", auth, validate(CreateBody), (ctx) => {
    const b = input(ctx, CreateBody);
    const me = ctx.state.principal!.user;
    const user = b.username === undefined || b.username === me.username ? me : core.users.get(b.username);
    if (user.id !== me.id && !me.admin) throw new ForbiddenError("only admins make access keys for others");
    const { key, secret } = core.accessKeys.create(user, b.description ?? "");
    ctx.status = 201;
    ctx.body = { ...present(key), secret };
  });
  router.get("/access-keys", auth, (ctx) => {
    const me = ctx.state.principal!.user;
    ctx.body = { items: core.accessKeys.list(me.admin ? undefined : me.id).map(present) };
  });
  router.delete("/access-keys/:id", auth, (ctx) => {
    const me = ctx.state.principal!.user;
    const key = core.accessKeys.find(ctx.params.id ?? "");
    if (!key || (!me.admin && key.userId !== me.id))
      throw new NotFoundError("access key", ctx.params.id ?? "");
    core.accessKeys.delete(key);
    ctx.body = present(key);
  });
}
