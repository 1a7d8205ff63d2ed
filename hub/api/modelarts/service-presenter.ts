import type { ReplicatedService } from "../../core/services/model";
import type { ModelArtsDeps } from "./deps";
import { iamUserId } from "./iam-users";
import { accessPathOf, type InferenceServices } from "./inference-services";
import { countKeys, type ConfigRecord } from "./service-record";

export function presentConfig(deps: ModelArtsDeps, c: ConfigRecord): Record<string, unknown> {
  const model = deps.core.inferenceModels.find(c.modelId);
  return {
    model_id: c.modelId,
    model_name: model?.name ?? "",
    model_version: model?.version ?? "",
    weight: c.weight,
    specification: c.specification,
    ...(c.customSpec ? { custom_spec: c.customSpec } : {}),
    instance_count: c.instanceCount,
    envs: c.envs,
    source_type: "",
  };
}

/** The service's access_address: the hub's own URL of its inference path. */
export const accessAddress = (origin: string, id: string): string => `${origin}${accessPathOf(id)}`;

/** A service in the list and details answers. */
export function presentService(
  deps: ModelArtsDeps,
  services: InferenceServices,
  s: ReplicatedService,
  origin: string,
): Record<string, unknown> {
  const r = services.record(s);
  const { status, progress, errorMsg } = services.status(s);
  const owner = deps.core.users.find(s.owner);
  const failed = r.configs.reduce(
    (a, c) => a + deps.core.invocations.get(countKeys.failed(c.coreServiceId)),
    0,
  );
  return {
    service_id: s.id,
    service_name: r.serviceName,
    description: r.description,
    tenant: deps.project.domain.id,
    project: deps.project.id,
    owner: owner ? iamUserId(owner) : s.owner,
    publish_at: s.createdAt,
    update_time: s.updatedAt,
    transition_at: r.transitionAt,
    infer_type: "real-time",
    status,
    progress,
    error_msg: errorMsg,
    config: r.configs.map((c) => presentConfig(deps, c)),
    access_address: accessAddress(origin, s.id),
    invocation_times: deps.core.invocations.get(countKeys.service(s.id)),
    failed_times: failed,
    is_shared: false,
    shared_count: 0,
    is_free: false,
    workspace_id: r.workspaceId,
    due_time: null,
    tags: r.tags,
  };
}
