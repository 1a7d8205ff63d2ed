import type { Logger } from "pino";
import type { HubConfig } from "../../config";
import type { Core } from "../../core";
import type { ApiMiddleware } from "../context";
import type { IamProject } from "./project";
import type { WorkspaceIds } from "./workspace-ids";

/** What every ModelArts route group is built from. */
export interface ModelArtsDeps {
  core: Core;
  config: Readonly<HubConfig>;
  logger: Logger;
  /** This hub's one IAM project (the `{project_id}` of every path). */
  project: IamProject;
  workspaces: WorkspaceIds;
  /** Authenticates the caller (IAM token or AK/SK signature); sets ctx.state.principal. */
  auth: ApiMiddleware;
}
