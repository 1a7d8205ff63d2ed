import type { Core } from "../../core";
import type { ApiMiddleware } from "../context";
import { GENERIC, ModelArtsError } from "./errors";

/**
 * The one IAM project of this hub: its id is the install's id (32 hex, stable), its name the
 * region clients configure (the SDK looks the project up by region name when it has no id).
 */
export interface IamProject {
  id: string;
  name: string;
  /** The IAM domain (account): one per hub. */
  domain: { id: string; name: string };
}

/** The project of this hub; `region` is HubConfig.modelartsRegion (CORRAL_MODELARTS_REGION). */
export function iamProject(core: Core, region: string): IamProject {
  const id = core.installation.id;
  // The domain id differs from the project id (IAM keeps them apart) but is as stable.
  const domainId = [...id].reverse().join("");
  return { id, name: region, domain: { id: domainId, name: "corral" } };
}

/** ModelArts paths under /v1 that name no project (the account's authorization mode). */
export const UNSCOPED_PATHS: ReadonlySet<string> = new Set(["/v1/auth-mode"]);

/**
 * Refuses a `/{version}/{project_id}/...` path whose project id is not this hub's (400
 * ModelArts.0210, as ModelArts answers a project id that does not match the credential's).
 */
export function projectGuard(project: IamProject): ApiMiddleware {
  return async function projectGuard(ctx, next) {
    const segment = ctx.path.split("/")[2];
    if (UNSCOPED_PATHS.has(ctx.path)) return next();
    if (/^v[12]$/.test(ctx.path.split("/")[1] ?? "") && segment !== project.id) {
      throw new ModelArtsError(
        400,
        GENERIC.projectMismatch,
        `project id ${segment ?? ""} does not match the credential's project`,
      );
    }
    await next();
  };
}
