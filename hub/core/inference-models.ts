import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { checkImageReference } from "./images";
import type { InferenceModel, InferenceModelSource, InferenceModelStatus } from "./inference-model-model";
import { checkName } from "./names";
import type { Store } from "./repositories";
import { newId } from "./secrets";

export interface NewInferenceModel {
  name: string;
  version: string;
  owner: string;
  quotaUnitId: string;
  description?: string;
  image: string;
  /** @default 8080 */
  port?: number;
  /** @default "/health" */
  healthPath?: string;
  env?: Record<string, string>;
  source: InferenceModelSource;
  meta?: Record<string, unknown>;
}

/** Live services that use a model: answered by whoever deploys models (the surface's services). */
export type ModelUsers = (model: InferenceModel) => string[];

/** Servable models, kept in the store (migration 024). */
export class InferenceModelService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Oldest first. */
  list(): InferenceModel[] {
    return this.store.inferenceModels.list();
  }

  find(id: string): InferenceModel | undefined {
    return this.store.inferenceModels.byId(id);
  }

  get(id: string): InferenceModel {
    const m = this.find(id);
    if (!m) throw new NotFoundError("model", id);
    return m;
  }

  /** Stores a model in `publishing`; the caller then records what the image check found. */
  create(input: NewInferenceModel): InferenceModel {
    checkName("model_name", input.name, 64);
    checkName("model_version", input.version, 64);
    checkImageReference(input.image, "source_location");
    const port = input.port ?? 8080;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new ValidationError("port", "must be a whole number 1-65535");
    const healthPath = input.healthPath ?? "/health";
    if (healthPath !== "" && !healthPath.startsWith("/"))
      throw new ValidationError("health.url", "must be a path starting with /");
    return this.store.transaction(() => {
      const same = this.list().find(
        (m) => m.quotaUnitId === input.quotaUnitId && m.name === input.name && m.version === input.version,
      );
      if (same) throw new ConflictError(`model ${input.name} ${input.version} exists already`);
      const now = this.clock.now();
      const model: InferenceModel = {
        id: newId(),
        name: input.name,
        version: input.version,
        owner: input.owner,
        quotaUnitId: input.quotaUnitId,
        description: input.description ?? "",
        image: input.image,
        port,
        healthPath,
        env: input.env ?? {},
        source: input.source,
        status: "publishing",
        statusMessage: "",
        meta: input.meta ?? {},
        createdAt: now,
        updatedAt: now,
      };
      this.store.inferenceModels.insert(model);
      return model;
    });
  }

  /** Records what the image check found. */
  setStatus(model: InferenceModel, status: InferenceModelStatus, message: string): InferenceModel {
    const fresh = this.find(model.id) ?? model;
    const updated = { ...fresh, status, statusMessage: message, updatedAt: this.clock.now() };
    this.store.inferenceModels.update(updated);
    return updated;
  }

  /**
   * Deletes the model, and with `cascade` every other version of its name in its quota unit.
   * Refused (ConflictError) while `users` names a live service that deploys one of them.
   */
  delete(model: InferenceModel, cascade: boolean, users: ModelUsers): InferenceModel[] {
    const doomed = cascade
      ? this.list().filter((m) => m.quotaUnitId === model.quotaUnitId && m.name === model.name)
      : [model];
    for (const m of doomed) {
      const used = users(m);
      if (used.length > 0)
        throw new ConflictError(`model ${m.name} ${m.version} is deployed by service ${used.join(", ")}`);
    }
    this.store.transaction(() => doomed.forEach((m) => this.store.inferenceModels.delete(m.id)));
    return doomed;
  }
}
