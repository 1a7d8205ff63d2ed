import type { Core } from "../../core";
import type { InferenceModel } from "../../core/inference-model-model";
import type { ModelArtsDeps } from "./deps";
import { iamUserId } from "./iam-users";

/** What the surface keeps on a model (InferenceModel.meta.modelarts) that core does not serve by. */
export interface ModelMeta {
  modelType: string;
  runtime: string;
  sourceLocation: string;
  sourceType: string;
  installType: string[];
  apis: Record<string, unknown>[];
  health: Record<string, string>;
  workspaceId: string;
}

export const modelMetaOf = (m: InferenceModel): ModelMeta => m.meta.modelarts as ModelMeta;

const ownerId = (core: Core, username: string): string => {
  const u = core.users.find(username);
  return u ? iamUserId(u) : username;
};

/** A model as the list answers it (the SDK's ModelListItem). */
export function presentModelItem(deps: ModelArtsDeps, m: InferenceModel): Record<string, unknown> {
  const meta = modelMetaOf(m);
  return {
    model_id: m.id,
    model_name: m.name,
    model_version: m.version,
    model_type: meta.modelType,
    model_status: m.status,
    model_source: m.source.kind === "training-job" ? "auto" : "custom",
    source_type: meta.sourceType,
    model_size: 0,
    description: m.description,
    owner: ownerId(deps.core, m.owner),
    tenant: deps.project.domain.id,
    project: deps.project.id,
    workspace_id: meta.workspaceId,
    create_at: m.createdAt,
    install_type: meta.installType,
    is_free: false,
    ...(m.status === "failed" ? { error_msg: m.statusMessage } : {}),
  };
}

/** A model's details (the SDK's ShowModelResponse). */
export function presentModel(deps: ModelArtsDeps, m: InferenceModel): Record<string, unknown> {
  const meta = modelMetaOf(m);
  return {
    ...presentModelItem(deps, m),
    source_location: meta.sourceLocation,
    source_job_id: m.source.jobId ?? "",
    source_job_version: m.source.jobVersion,
    source_copy: "false",
    runtime: meta.runtime,
    image_address: m.image,
    health: { ...meta.health, url: m.healthPath, protocol: meta.health.protocol ?? "http" },
    apis: meta.apis,
    // Corral: the serving container's port and env, and what the image check found.
    port: m.port,
    envs: m.env,
    status_message: m.statusMessage,
    update_at: m.updatedAt,
  };
}
