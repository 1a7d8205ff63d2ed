/**
 * Whether a servable model can be deployed: its image is being looked for, was found (in the
 * image catalog, the hub's registry or on a node), or was not (`failed`, with the reason).
 */
export type InferenceModelStatus = "publishing" | "published" | "failed";

/** Where a model came from: a serving image, or a training job's output (traced by job id). */
export interface InferenceModelSource {
  kind: "image" | "training-job";
  /** The training workload's id when `kind` is training-job; null otherwise. */
  jobId: string | null;
  /** The training job's version (ModelArts's source_job_version); "" when none. */
  jobVersion: string;
}

/**
 * A servable model (ModelArts's AI application, a KServe model): the container that serves it
 * (image, port, health check path, environment), named and versioned in a quota unit. Services
 * deploy it as replicas of that container.
 */
export interface InferenceModel {
  id: string;
  name: string;
  /** Version text as the caller gave it ("1.0.0"); unique per name in a quota unit. */
  version: string;
  owner: string;
  /** The quota unit (workspace) it belongs to. */
  quotaUnitId: string;
  description: string;
  /** The serving container's image reference. */
  image: string;
  /** Port the container serves HTTP on. @default 8080 */
  port: number;
  /** Path answered with 200 when an instance is healthy ("" = no check). @default "/health" */
  healthPath: string;
  env: Record<string, string>;
  source: InferenceModelSource;
  status: InferenceModelStatus;
  /** Why it failed, or where its image was found. */
  statusMessage: string;
  /** Surface data (ModelArts model_type, runtime, apis...), keyed by surface; core never reads it. */
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}
