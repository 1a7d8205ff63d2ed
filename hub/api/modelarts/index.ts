import Router from "@koa/router";
import type { ApiMiddleware, ApiState } from "../context";
import { bodyParser } from "../middleware/body";
import { compose } from "../middleware/compose";
import { projectTree, tree } from "../ownership";
import { routesOf } from "../route-table";
import type { Surface, SurfaceFactory } from "../surface";
import { modelartsAuth } from "./auth";
import { modelartsGrants } from "./grants";
import { authoringRoutes } from "./authoring-routes";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, modelartsErrors } from "./errors";
import { imageRoutes } from "./image-routes";
import { notebookRoutes } from "./notebook-routes";
import { notebookStorageRoutes, Remounts } from "./notebook-storage-routes";
import { iamProject, projectGuard } from "./project";
import { specRoutes } from "./spec-routes";
import { algorithmRoutes } from "./algorithm-routes";
import { trainingGroup } from "./training-group";
import { trainingEnv } from "./training-env";
import { WorkspaceIds } from "./workspace-ids";
import { authorizationRoutes } from "./authorization-routes";
import { credentialRoutes } from "./credential-routes";
import { eventRoutes } from "./event-routes";
import { iamRoutes } from "./iam-routes";
import { liteServerRoutes } from "./lite-server-routes";
import { osQuotaRoutes } from "./os-quota-routes";
import { workspaceRoutes, workspaceUpkeep } from "./workspace-routes";
import { appAuthRoutes } from "./app-auth-routes";
import { appCallGate } from "./app-auth-gate";
import { poolRoutes } from "./pool-routes";
import { nodePoolRoutes } from "./node-pool-routes";
import { poolUsageRoutes } from "./pool-usage-routes";
import { poolRecordRoutes } from "./pool-record-routes";
import { networkRoutes } from "./network-routes";
import { poolNodeRoutes } from "./pool-node-routes";
import type { AppCallGate } from "./inference-contract";
import { INFERENCE_ROUTES, inferenceGateway, InvocationRates } from "./inference-gateway";
import { InferenceServices } from "./inference-services";
import { modelRoutes } from "./model-routes";
import { serviceOpsRoutes } from "./service-ops-routes";
import { serviceAccess, serviceRoutes } from "./service-routes";

/**
 * The Huawei ModelArts surface (docs/compat/modelarts.md): IAM-compatible identity under /v3 and
 * /v3.0, and the ModelArts APIs under /v1/{project_id} and /v2/{project_id}, where project_id is
 * this hub's one IAM project. Errors are `{error_code, error_msg}`; business errors mostly 400.
 */
export const modelartsSurface: SurfaceFactory = ({ core, config, logger }): Surface => {
  const project = iamProject(core, config.modelartsRegion);
  const workspaces = new WorkspaceIds(core);
  // Who calls first (401 before anything else, as APIG answers), then whether the path's project is ours.
  const auth = compose([modelartsAuth(core), projectGuard(project)]);
  const deps: ModelArtsDeps = { core, config, logger, project, workspaces, auth };
  const router = new Router<ApiState>();
  const remounts = new Remounts(deps);
  // Real-time services and the gateway of their access_address; `inference` is the ServiceDirectory
  // app authentication looks services up in, `appGate` its verdicts on app credentials.
  const inference = new InferenceServices(core, (unitId) => {
    const unit = unitId === null ? undefined : core.quotaUnits.find(unitId);
    return unit ? workspaces.idOf(unit) : "0";
  });
  const appGate: AppCallGate = appCallGate(core, inference);
  const rates = new InvocationRates(() => core.clock.now());
  // Route groups: one line each (specific paths before `/:id` ones inside each group).
  iamRoutes(router, deps);
  credentialRoutes(router, deps);
  workspaceRoutes(router, deps);
  authorizationRoutes(router, deps);
  osQuotaRoutes(router, deps);
  eventRoutes(router, deps);
  imageRoutes(router, deps);
  notebookStorageRoutes(router, deps, remounts);
  notebookRoutes(router, deps);
  authoringRoutes(router, deps);
  specRoutes(router, deps);
  algorithmRoutes(router, deps);
  trainingGroup(router, deps);
  liteServerRoutes(router, deps);
  appAuthRoutes(router, deps, inference);
  poolUsageRoutes(router, deps);
  poolRecordRoutes(router, deps);
  networkRoutes(router, deps);
  nodePoolRoutes(router, deps);
  poolRoutes(router, deps);
  poolNodeRoutes(router, deps);
  modelRoutes(router, deps, inference);
  const services = serviceAccess(deps, inference);
  serviceOpsRoutes(router, deps, inference, services, rates);
  serviceRoutes(router, deps, inference, services);
  const notFound: ApiMiddleware = async (ctx) => {
    throw new ModelArtsError(
      404,
      GENERIC.noRoute,
      `The API does not exist or has not been published: ${ctx.method} ${ctx.path}`,
    );
  };
  return {
    name: "modelarts",
    owns: [
      projectTree("v1"),
      projectTree("v2"),
      tree("/v3"),
      tree("/v3.0"),
      tree("/v1/auth-mode"),
      tree("/v1/infers"),
    ],
    routes: compose([
      // Before the body parser: inference calls stream their bodies to the instance.
      inferenceGateway(core, inference, appGate, rates),
      bodyParser({ deleteBodies: true, keepRaw: true }),
      router.routes() as unknown as ApiMiddleware,
      router.allowedMethods() as unknown as ApiMiddleware,
      notFound,
    ]),
    errors: modelartsErrors,
    routeTable: [...routesOf(router), ...INFERENCE_ROUTES],
    hooks: {
      // Workspace "0" is made on first use (WorkspaceIds.find), so a hub nobody reaches through
      // ModelArts shows no extra project on its other faces.
      bootstrap: () => remounts.scan(),
      onClusterChange: () => {
        // Workspaces with unlimited quota deserve what the pool has now; finished deletions go.
        workspaceUpkeep(core);
        remounts.finish();
      },
      envDecorators: [trainingEnv(core)],
      grants: modelartsGrants(core),
    },
  };
};
