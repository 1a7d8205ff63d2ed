import type { InferenceModel } from "../../core/inference-model-model";
import { RegistryClient } from "../../registry/client";
import type { ModelArtsDeps } from "./deps";
import { splitReference } from "./image-presenter";

/**
 * Publishes a model once its image is found: registered in the image catalog and found there, in
 * the hub's registry when the reference names it (CORRAL_REGISTRY_URL), or on a node that ran it
 * (engines keep pulled images). Otherwise the model fails, saying where it was looked for.
 */
export async function publishModel(deps: ModelArtsDeps, model: InferenceModel): Promise<InferenceModel> {
  const { core, config } = deps;
  const image = model.image;
  const registered = core.images.list().find((i) => i.reference === image && i.status === "present");
  if (registered)
    return core.inferenceModels.setStatus(
      model,
      "published",
      `registered image ${image}: ${registered.statusMessage}`,
    );
  const ref = splitReference(image);
  const registryHost = config.registryUrl ? new URL(config.registryUrl).host : undefined;
  if (config.registryUrl && ref.registry === registryHost) {
    const repository = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    try {
      const digest = await new RegistryClient(config.registryUrl).digest(repository, ref.tag);
      if (digest)
        return core.inferenceModels.setStatus(model, "published", `in ${registryHost} as ${digest}`);
    } catch (err) {
      return core.inferenceModels.setStatus(
        model,
        "failed",
        `the hub's registry ${registryHost} did not answer: ${(err as Error).message}`,
      );
    }
  }
  const nodes = core.images.nodesWith(image);
  if (nodes.length > 0)
    return core.inferenceModels.setStatus(model, "published", `on node ${nodes.join(", ")}`);
  return core.inferenceModels.setStatus(
    model,
    "failed",
    `image ${image} was not found: not a found image of the image catalog, ${
      registryHost && ref.registry === registryHost ? `not in ${registryHost}` : "not in the hub's registry"
    }, and no node has run it`,
  );
}
