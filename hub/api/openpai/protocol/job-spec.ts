/** One task role of a job, whatever format it came in (v2 YAML or v1 JSON), ready to run. */
export interface RoleSpec {
  name: string;
  instances: number;
  image: string;
  /** Shell lines, rendered: pre-commands, commands, post-commands. */
  commands: string[];
  cpu: number;
  memoryMB: number;
  gpu: number;
  /** Port label -> how many ports. */
  ports: Record<string, number>;
  taskRetryCount: number;
  /** null: the OpenPAI default (1); -1: never fail the job for this role's failures. */
  minFailedInstances: number | null;
  /** null: the OpenPAI default (all instances); -1: only when every task has completed. */
  minSucceededInstances: number | null;
  env: Record<string, string>;
  /** The image prerequisite's registry credentials (`auth`), secrets rendered; absent: none. */
  imageAuth?: ImageAuth;
}

/** Registry credentials of a dockerimage prerequisite (v2 `auth`). */
export interface ImageAuth {
  /** The prerequisite's name. */
  prerequisite: string;
  /** The registry host (and port) the credentials are for. */
  serverAddress: string;
  username: string;
  password: string;
}

export interface JobSpec {
  format: "v2" | "v1";
  name: string;
  virtualCluster: string;
  /** Whole-job retries. -2 (v1) disables retries. @default 0 */
  jobRetryCount: number;
  /** All instances placed together or not at all. @default true (OpenPAI's gangAllocation) */
  gang: boolean;
  roles: RoleSpec[];
  /** `extras.storages[].name`: each must exist (404 NoStorageError otherwise). */
  storages: string[];
}

/** Env entries of an `extras.corral.env`-like object: string values only (numbers stringified). */
export function envOf(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) &&
      (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    )
      out[k] = String(v);
  }
  return out;
}
