import Router from "@koa/router";
import type { Core } from "../../core";
import { externalRepoSecret } from "../../core/deployments/controller";
import type { RegistryAuth } from "../../core/desired";
import { NotFoundError } from "../../core/errors";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { tree } from "../ownership";
import type { Surface, SurfaceFactory } from "../surface";
import { appRoutes } from "./app-routes";
import { businessRoutes } from "./business-routes";
import { clusterRoutes } from "./cluster-routes";
import { deployRoutes } from "./deploy-routes";
import { oteErrors } from "./envelope";
import { profile, withProfile } from "./identity";
import { repositoryRoutes } from "./repository-routes";
import { authorizationRoutes, userRoutes } from "./user-routes";

/** The hub's administrators are OTE system administrators (role 4), approved. */
function bootstrapOtestack(core: Core): void {
  for (const u of core.users.list()) {
    if (u.admin && u.extension["otestack"] === undefined)
      core.users.save(withProfile(u, { ...profile(u), role: 4, status: 1 }));
  }
}

/**
 * Replicas of apps with an external repository pull with its stored credentials, opened only
 * when a task is sent to its agent.
 */
function externalRepoAuth(core: Core): (name: string) => RegistryAuth | null {
  return (name) => {
    const repo = core.store.otestack.externalRepos().find((r) => externalRepoSecret(r.id) === name);
    return repo
      ? {
          serverAddress: repo.address,
          username: repo.username,
          password: core.secretBox.open(repo.passwordSealed),
        }
      : null;
  };
}

/** The OTE-stack open-api surface (README: OTE-stack compatibility): every /v1 path no deeper claim takes. */
export const otestackSurface: SurfaceFactory = ({ core }): Surface => {
  const router = new Router<ApiState>({ prefix: "/v1" });
  authorizationRoutes(router, core);
  userRoutes(router, core);
  businessRoutes(router, core);
  clusterRoutes(router, core);
  repositoryRoutes(router, core, core.secretBox);
  appRoutes(router, core);
  deployRoutes(router, core);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new NotFoundError("route", `${ctx.method} ${ctx.path}`);
  };
  return {
    name: "otestack",
    owns: [tree("/v1")],
    routes: compose([
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: oteErrors,
    hooks: {
      bootstrap: () => bootstrapOtestack(core),
      pullSecretResolvers: [{ prefix: "otestack/", resolve: externalRepoAuth(core) }],
    },
  };
};
