/**
 * A reusable batch-job definition (a ModelArts algorithm): an image, a command, named parameters
 * passed as `--name=value` flags, and named input and output channels that a job made from it
 * binds to directories. Jobs copy what they use at submission; changing a template later does not
 * change jobs already made from it.
 */
export interface JobTemplate {
  id: string;
  /** The surface whose template it is ("modelarts"): names are unique per scope and quota unit. */
  scope: string;
  name: string;
  description: string;
  owner: string;
  /** The tenant it belongs to; null: none. */
  quotaUnitId: string | null;
  /** Image reference the agents pull. */
  image: string;
  /** Shell command line run in the image ("" : the image's own entrypoint). */
  command: string;
  parameters: JobTemplateParameter[];
  inputs: JobTemplateChannel[];
  outputs: JobTemplateChannel[];
  env: Record<string, string>;
  /** Surface-specific extras (constraints, code directories...), keyed by surface. */
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** A named default value; a job may override it. */
export interface JobTemplateParameter {
  name: string;
  value: string;
  description: string;
}

/** A named data channel (an input dataset, an output directory). */
export interface JobTemplateChannel {
  name: string;
  description: string;
}

export type NewJobTemplate = Omit<JobTemplate, "id" | "createdAt" | "updatedAt">;
