import Router from "@koa/router";
import type { ApiMiddleware, ApiState } from "../../hub/api/context";
import { bodyParser } from "../../hub/api/middleware/body";
import { compose } from "../../hub/api/middleware/compose";
import { appAuthApiRoutes } from "../../hub/api/modelarts/app-auth-api-routes";
import { modelartsAuth } from "../../hub/api/modelarts/auth";
import { modelartsSurface } from "../../hub/api/modelarts";
import type { InferenceServiceRef, ServiceDirectory } from "../../hub/api/modelarts/inference-contract";
import { iamProject, projectGuard } from "../../hub/api/modelarts/project";
import { WorkspaceIds } from "../../hub/api/modelarts/workspace-ids";
import type { SurfaceFactory } from "../../hub/api/surface";

/** A service directory over records a test puts in (the real one is the services side's). */
export class FixedServices implements ServiceDirectory {
  readonly records = new Map<string, InferenceServiceRef>();

  add(service: InferenceServiceRef): InferenceServiceRef {
    this.records.set(service.id, service);
    return service;
  }

  find(serviceId: string): InferenceServiceRef | undefined {
    return this.records.get(serviceId);
  }
}

/**
 * The real ModelArts surface with the service-scoped app-auth routes answered over `directory`
 * first: app-auth rules tested on hand-made service records (owner, workspace, access path)
 * without deploying services; modelarts-app-auth-inference.test.ts drives the real services.
 */
export function modelartsWithServices(directory: ServiceDirectory): SurfaceFactory {
  return (deps) => {
    const real = modelartsSurface(deps);
    const project = iamProject(deps.core, deps.config.modelartsRegion);
    const router = new Router<ApiState>();
    appAuthApiRoutes(
      router,
      {
        core: deps.core,
        config: deps.config,
        logger: deps.logger,
        project,
        workspaces: new WorkspaceIds(deps.core),
        auth: compose([modelartsAuth(deps.core), projectGuard(project)]),
      },
      directory,
    );
    return {
      ...real,
      routes: compose([
        bodyParser({ deleteBodies: true, keepRaw: true }),
        router.routes() as unknown as ApiMiddleware,
        real.routes,
      ]),
    };
  };
}
