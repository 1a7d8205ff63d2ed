import Router from "@koa/router";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { projectTree, tree } from "../ownership";
import type { Surface, SurfaceFactory } from "../surface";
import { modelartsAuth } from "./auth";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, modelartsErrors } from "./errors";
import { iamProject, projectGuard } from "./project";
import { specRoutes } from "./spec-routes";
import { algorithmRoutes } from "./algorithm-routes";
import { trainingGroup } from "./training-group";
import { trainingEnv } from "./training-env";
import { WorkspaceIds } from "./workspace-ids";

/**
 * The Huawei ModelArts surface (docs/compat/modelarts.md): IAM-compatible identity under /v3 and
 * /v3.0, and the ModelArts APIs under /v1/{project_id} and /v2/{project_id}, where project_id is
 * this hub's one IAM project. Errors are `{error_code, error_msg}`; business errors mostly 400.
 */
export const modelartsSurface: SurfaceFactory = ({ core, config, logger }): Surface => {
  const project = iamProject(core);
  const workspaces = new WorkspaceIds(core);
  const deps: ModelArtsDeps = { core, config, logger, project, workspaces, auth: modelartsAuth(core) };
  const router = new Router<ApiState>();
  // Route groups: one line each (specific paths before `/:id` ones inside each group).
  specRoutes(router, deps);
  algorithmRoutes(router, deps);
  trainingGroup(router, deps);
  void deps;
  const notFound: ApiMiddleware = async (ctx) => {
    throw new ModelArtsError(
      404,
      GENERIC.noRoute,
      `The API does not exist or has not been published: ${ctx.method} ${ctx.path}`,
    );
  };
  return {
    name: "modelarts",
    owns: [projectTree("v1"), projectTree("v2"), tree("/v3"), tree("/v3.0")],
    routes: compose([
      projectGuard(project),
      bodyParser(),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: modelartsErrors,
    hooks: { bootstrap: () => void workspaces.ensureDefault(), envDecorators: [trainingEnv(core)] },
  };
};
