import type { Workload } from "../../core/model";

/** What the OpenPAI surface keeps on a workload (Workload.meta.openpai). */
export interface JobMeta {
  format: "v2" | "v1";
  /** The job config as submitted (YAML for v2, JSON for v1); secrets are masked when served back. */
  config: string;
  virtualCluster: string;
  tags: string[];
  jobRetryCount: number;
  /** role -> port label -> the port names of that label, in order (`<label>.<k>`). */
  portLabels: Record<string, Record<string, string[]>>;
  /**
   * Registry credentials of dockerimage prerequisites, by prerequisite name; the password sealed
   * (SecretBox), never stored in clear.
   */
  registryAuth?: Record<string, { serverAddress: string; username: string; passwordSealed: string }>;
  /** v1 DELETE: the job is stopped and hidden from every view. */
  deleted?: boolean;
}

export function jobMeta(w: Workload): JobMeta | null {
  const m = w.meta.openpai as JobMeta | undefined;
  return m && typeof m === "object" ? m : null;
}

/** OpenPAI's job identity: `<user>~<name>` (the framework name). */
export const frameworkName = (w: Pick<Workload, "owner" | "name">): string => `${w.owner}~${w.name}`;

/** First container port handed to a job's labelled ports; counts up within each role. */
export const FIRST_CONTAINER_PORT = 20000;
