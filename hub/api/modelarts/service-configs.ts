import type { User } from "../../core/model";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import type { ConfigInput } from "./inference-services";
import type { ServiceConfig } from "./service-schemas";
import { CUSTOM_SPECIFICATION, specificationResources, type InstanceResources } from "./service-specs";

const invalid = (field: string, why: string) =>
  new ModelArtsError(400, GENERIC.invalid, `invalid ${field}: ${why}`);

/** What a `custom` specification gets: cores to millicores, MB to MiB (rounded up), GPUs. */
function customResources(c: ServiceConfig, i: number): InstanceResources {
  if (!c.custom_spec) throw invalid(`config[${i}].custom_spec`, "is required with specification custom");
  if (c.custom_spec.gpu_p4 !== undefined && !Number.isInteger(c.custom_spec.gpu_p4))
    throw invalid(`config[${i}].custom_spec.gpu_p4`, "must be a whole number of GPUs here (no GPU sharing)");
  return {
    cpuMilli: Math.ceil(c.custom_spec.cpu * 1000),
    memoryMiB: Math.ceil((c.custom_spec.memory * 1_000_000) / 1_048_576),
    gpu: c.custom_spec.gpu_p4 ?? 0,
  };
}

/**
 * The configs of a deploy or update as the service side takes them: every model visible to the
 * caller and published, every specification known, and (real-time) the weights summing to 100.
 */
export function configInputs(
  deps: ModelArtsDeps,
  user: User,
  configs: readonly ServiceConfig[],
): ConfigInput[] {
  const { core } = deps;
  const total = configs.reduce((a, c) => a + c.weight, 0);
  if (total !== 100)
    throw invalid("config.weight", `the weights of a real-time service sum to 100, not ${total}`);
  return configs.map((c, i) => {
    const model = core.inferenceModels.find(c.model_id);
    if (
      !model ||
      !core.authz.can(user, "object.read", { kind: "object", owner: model.owner, unitId: model.quotaUnitId })
    )
      throw new ModelArtsError(400, "ModelArts.3013", `model ${c.model_id} does not exist`);
    if (model.status !== "published")
      throw invalid(
        `config[${i}].model_id`,
        `model ${model.name} ${model.version} is ${model.status}${model.statusMessage ? `: ${model.statusMessage}` : ""}`,
      );
    const resources =
      c.specification === CUSTOM_SPECIFICATION
        ? customResources(c, i)
        : specificationResources(core, c.specification);
    if (!resources)
      throw invalid(
        `config[${i}].specification`,
        `no specification ${c.specification} (see GET /v1/{project_id}/services/specifications, or use custom)`,
      );
    return {
      modelId: model.id,
      weight: c.weight,
      specification: c.specification,
      customSpec: c.custom_spec ? { ...c.custom_spec } : null,
      resources,
      instanceCount: c.instance_count,
      envs: c.envs ?? {},
    };
  });
}

/** A stored config in the request form (PATCH edits this, then it is checked again). */
export const configRequestOf = (c: ConfigInput): ServiceConfig => ({
  model_id: c.modelId,
  weight: c.weight,
  specification: c.specification,
  ...(c.customSpec ? { custom_spec: c.customSpec as ServiceConfig["custom_spec"] } : {}),
  instance_count: c.instanceCount,
  envs: c.envs,
});
