import fs from "node:fs";
import path from "node:path";

/**
 * Hub configuration: environment variables, optionally merged over a JSON file named by
 * CORRAL_CONFIG_FILE (env wins). Validated once at start and frozen; a bad value stops the start
 * with a message naming it.
 */
export interface HubConfig {
  /** CORRAL_DATA_DIR: where corral.db lives. @default ./data */
  dataDir: string;
  /** CORRAL_HTTP_HOST. @default 0.0.0.0 */
  httpHost: string;
  /** CORRAL_HTTP_PORT (0 = any free port). @default 9080 */
  httpPort: number;
  /** CORRAL_GRPC_HOST. @default 0.0.0.0 */
  grpcHost: string;
  /** CORRAL_GRPC_PORT (0 = any free port). @default 9081 */
  grpcPort: number;
  /** CORRAL_ADMIN_USERNAME: first-start admin. @default admin */
  adminUsername: string;
  /** CORRAL_ADMIN_PASSWORD: unset = generate one and print it once. */
  adminPassword: string | undefined;
  /** CORRAL_BOOTSTRAP_JOIN_TOKEN: a join token registered at start when given. */
  bootstrapJoinToken: string | undefined;
  /** CORRAL_HEARTBEAT_INTERVAL_MS. @default 10000 */
  heartbeatIntervalMs: number;
  /** CORRAL_JOIN_RATE: joins admitted per second; a storm beyond it is told to retry later. 0: off. @default 200 */
  joinRatePerS: number;
  /** CORRAL_NODE_DOWN_AFTER_MS: notready this long -> down. @default 300000 */
  nodeDownAfterMs: number;
  /** CORRAL_METRICS_SAMPLE_MS: spacing of stored metric samples per node. @default 60000 */
  metricsSampleMs: number;
  /** CORRAL_REGISTRY_URL: OCI registry (http(s)://host[:port]) behind OTE-stack's /v1/repository; unset: none. */
  registryUrl: string | undefined;
  /** CORRAL_OTE_ADMIN_AUTO_DEPLOY: OTE administrators' deployments skip the audit. @default true */
  oteAdminAutoDeploy: boolean;
  /** CORRAL_OTE_HPA_INTERVAL_MS: spacing of OTE autoscaling decisions per deployment. @default 15000 */
  oteHpaIntervalMs: number;
  /** CORRAL_RESTART_BACKOFF_MS: first crash-loop back-off of a restarted service task (0: off). @default 10000 */
  restartBackoffMs: number;
  /** CORRAL_TASK_METRICS_RETENTION_HOURS: how long per-task one-minute metric points are kept. @default 168 (7 days) */
  taskMetricsRetentionHours: number;
  /** CORRAL_OTE_CRASH_LOOP_RESTARTS: restarts of one replica within the window that fail its deployment. @default 3 */
  oteCrashLoopRestarts: number;
  /** CORRAL_OTE_CRASH_LOOP_WINDOW_MS: window those restarts are counted over. @default 300000 */
  oteCrashLoopWindowMs: number;
  /** CORRAL_OTE_NO_TARGET_TIMEOUT_MS: a deployment selecting no ready node this long is failed. @default 300000 */
  oteNoTargetTimeoutMs: number;
  /** CORRAL_OPENPAI_LIST_RATE_PER_MIN: OpenPAI job list requests per user per minute; 0 = unlimited. @default 120 */
  openpaiListRatePerMin: number;
  /** CORRAL_OPENPAI_SUBMIT_RATE_PER_HOUR: OpenPAI job submits per user per hour; 0 = unlimited. @default 3600 */
  openpaiSubmitRatePerHour: number;
  /** CORRAL_MODELARTS_REGION: the region name of the hub's one IAM project. @default cn-north-4 */
  modelartsRegion: string;
  /** CORRAL_MODELARTS_NOTEBOOK_QUOTA: live notebooks one user may hold. @default 20 */
  modelartsNotebookQuota: number;
  /**
   * CORRAL_MODELARTS_STORAGE: OBS buckets notebooks may mount, as node directories:
   * `bucket=/dir[,bucket2=/dir2]`; `obs://bucket/sub/` is `/dir/sub` on the node. @default none
   */
  modelartsStorage: Readonly<Record<string, string>>;
  /** CORRAL_TLS_SANS: extra DNS names / IPs for the hub's server certificate (comma list), besides loopback, the hostname and its addresses. */
  tlsSans: string[];
  /** CORRAL_NODE_CERT_TTL_S: lifetime of a node's client certificate, seconds; agents renew a third before. @default 2592000 (30 days) */
  nodeCertTtlS: number;
  /** CORRAL_HTTP_TLS: off (plain HTTP: loopback or behind a TLS proxy), auto (a hub-CA-issued certificate), or files (CORRAL_HTTP_TLS_CERT/KEY given). @default off, files when both are set */
  httpTls: "off" | "auto" | "files";
  /** CORRAL_HTTP_TLS_CERT / CORRAL_HTTP_TLS_KEY: PEM files of the HTTP server's certificate chain and key. */
  httpTlsCertFile: string | undefined;
  httpTlsKeyFile: string | undefined;
  /** CORRAL_MAX_TASKS_PER_WORKLOAD: tasks (all roles' instances) in one workload. @default 1000 */
  maxTasksPerWorkload: number;
  /** CORRAL_MAX_LIVE_TASKS_PER_USER: tasks of one user's unfinished workloads together. @default 10000 */
  maxLiveTasksPerUser: number;
  /** CORRAL_SUBMIT_RATE_PER_MIN: workload submissions per user per minute, every surface; 0 = unlimited. @default 600 */
  submitRatePerMin: number;
  /** CORRAL_DEFAULT_TASK_CPU_MILLI: CPU request and limit of a task that names none. @default 100 */
  defaultTaskCpuMilli: number;
  /** CORRAL_DEFAULT_TASK_MEMORY_MIB: memory request and limit of a task that names none. @default 256 */
  defaultTaskMemoryMiB: number;
  /** CORRAL_LOG_LEVEL. @default info */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`invalid configuration: ${variable} ${reason}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function loadHubConfig(env: Env = process.env): Readonly<HubConfig> {
  const file = readConfigFile(env.CORRAL_CONFIG_FILE);
  const get = (name: string): string | undefined => {
    const v = env[name] ?? file[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const config: HubConfig = {
    dataDir: path.resolve(get("CORRAL_DATA_DIR") ?? "./data"),
    httpHost: get("CORRAL_HTTP_HOST") ?? "0.0.0.0",
    httpPort: port(get, "CORRAL_HTTP_PORT", 9080),
    grpcHost: get("CORRAL_GRPC_HOST") ?? "0.0.0.0",
    grpcPort: port(get, "CORRAL_GRPC_PORT", 9081),
    adminUsername: get("CORRAL_ADMIN_USERNAME") ?? "admin",
    adminPassword: get("CORRAL_ADMIN_PASSWORD"),
    bootstrapJoinToken: get("CORRAL_BOOTSTRAP_JOIN_TOKEN"),
    heartbeatIntervalMs: integer(get, "CORRAL_HEARTBEAT_INTERVAL_MS", 10_000, 50, 3_600_000),
    joinRatePerS: integer(get, "CORRAL_JOIN_RATE", 200, 0, 100_000),
    nodeDownAfterMs: integer(get, "CORRAL_NODE_DOWN_AFTER_MS", 300_000, 1_000, 86_400_000),
    metricsSampleMs: integer(get, "CORRAL_METRICS_SAMPLE_MS", 60_000, 0, 86_400_000),
    registryUrl: get("CORRAL_REGISTRY_URL"),
    oteAdminAutoDeploy:
      oneOf(get, "CORRAL_OTE_ADMIN_AUTO_DEPLOY", ["true", "false"] as const, "true") === "true",
    oteHpaIntervalMs: integer(get, "CORRAL_OTE_HPA_INTERVAL_MS", 15_000, 100, 3_600_000),
    restartBackoffMs: integer(get, "CORRAL_RESTART_BACKOFF_MS", 10_000, 0, 300_000),
    taskMetricsRetentionHours: integer(get, "CORRAL_TASK_METRICS_RETENTION_HOURS", 168, 1, 87_600),
    openpaiListRatePerMin: integer(get, "CORRAL_OPENPAI_LIST_RATE_PER_MIN", 120, 0, 1_000_000),
    openpaiSubmitRatePerHour: integer(get, "CORRAL_OPENPAI_SUBMIT_RATE_PER_HOUR", 3600, 0, 1_000_000),
    oteCrashLoopRestarts: integer(get, "CORRAL_OTE_CRASH_LOOP_RESTARTS", 3, 1, 1_000),
    oteCrashLoopWindowMs: integer(get, "CORRAL_OTE_CRASH_LOOP_WINDOW_MS", 300_000, 100, 86_400_000),
    oteNoTargetTimeoutMs: integer(get, "CORRAL_OTE_NO_TARGET_TIMEOUT_MS", 300_000, 0, 86_400_000),
    modelartsRegion: get("CORRAL_MODELARTS_REGION") ?? "cn-north-4",
    modelartsNotebookQuota: integer(get, "CORRAL_MODELARTS_NOTEBOOK_QUOTA", 20, 0, 100_000),
    modelartsStorage: storageMap(get("CORRAL_MODELARTS_STORAGE")),
    tlsSans: (get("CORRAL_TLS_SANS") ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean),
    nodeCertTtlS: integer(get, "CORRAL_NODE_CERT_TTL_S", 2_592_000, 60, 315_360_000),
    httpTls: "off",
    httpTlsCertFile: get("CORRAL_HTTP_TLS_CERT"),
    httpTlsKeyFile: get("CORRAL_HTTP_TLS_KEY"),
    maxTasksPerWorkload: integer(get, "CORRAL_MAX_TASKS_PER_WORKLOAD", 1000, 1, 100_000),
    maxLiveTasksPerUser: integer(get, "CORRAL_MAX_LIVE_TASKS_PER_USER", 10_000, 1, 10_000_000),
    submitRatePerMin: integer(get, "CORRAL_SUBMIT_RATE_PER_MIN", 600, 0, 1_000_000),
    defaultTaskCpuMilli: integer(get, "CORRAL_DEFAULT_TASK_CPU_MILLI", 100, 1, 1_000_000),
    defaultTaskMemoryMiB: integer(get, "CORRAL_DEFAULT_TASK_MEMORY_MIB", 256, 1, 100_000_000),
    logLevel: oneOf(
      get,
      "CORRAL_LOG_LEVEL",
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const,
      "info",
    ),
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(config.adminUsername)) {
    throw new ConfigError("CORRAL_ADMIN_USERNAME", "must be 1-64 letters, digits, '_', '.' or '-'");
  }
  if (config.adminPassword !== undefined && config.adminPassword.length < 6) {
    throw new ConfigError("CORRAL_ADMIN_PASSWORD", "must be at least 6 characters");
  }
  if (config.registryUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(config.registryUrl)) {
    throw new ConfigError("CORRAL_REGISTRY_URL", "must be http(s)://host[:port]");
  }
  if (config.bootstrapJoinToken !== undefined && config.bootstrapJoinToken.length < 16) {
    throw new ConfigError("CORRAL_BOOTSTRAP_JOIN_TOKEN", "must be at least 16 characters");
  }
  config.httpTls = httpTlsMode(get, config);
  return Object.freeze(config);
}

/** CORRAL_HTTP_TLS with the certificate files: both files or neither, and not both with auto. */
function httpTlsMode(get: (n: string) => string | undefined, c: HubConfig): HubConfig["httpTls"] {
  const files = c.httpTlsCertFile !== undefined || c.httpTlsKeyFile !== undefined;
  if (files && (c.httpTlsCertFile === undefined || c.httpTlsKeyFile === undefined))
    throw new ConfigError("CORRAL_HTTP_TLS_CERT", "and CORRAL_HTTP_TLS_KEY must be given together");
  const mode = oneOf(get, "CORRAL_HTTP_TLS", ["off", "auto", "files"] as const, files ? "files" : "off");
  if (mode === "files" && !files)
    throw new ConfigError("CORRAL_HTTP_TLS", "files needs CORRAL_HTTP_TLS_CERT and CORRAL_HTTP_TLS_KEY");
  if (mode !== "files" && files)
    throw new ConfigError(
      "CORRAL_HTTP_TLS",
      `${mode} conflicts with CORRAL_HTTP_TLS_CERT / CORRAL_HTTP_TLS_KEY`,
    );
  for (const [name, file] of [
    ["CORRAL_HTTP_TLS_CERT", c.httpTlsCertFile],
    ["CORRAL_HTTP_TLS_KEY", c.httpTlsKeyFile],
  ] as const) {
    if (file !== undefined && !fs.existsSync(file)) throw new ConfigError(name, `names no file: ${file}`);
  }
  return mode;
}

function readConfigFile(file: string | undefined): Record<string, string> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError("CORRAL_CONFIG_FILE", `cannot be read as JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError("CORRAL_CONFIG_FILE", "must hold a JSON object of CORRAL_* settings");
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

export function integer(
  get: (n: string) => string | undefined,
  name: string,
  def: number,
  min: number,
  max: number,
): number {
  const raw = get(name);
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
    throw new ConfigError(name, `must be an integer, got ${JSON.stringify(raw)}`);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

const port = (get: (n: string) => string | undefined, name: string, def: number): number =>
  integer(get, name, def, 0, 65535);

function oneOf<T extends string>(
  get: (n: string) => string | undefined,
  name: string,
  values: readonly T[],
  def: T,
): T {
  const raw = get(name);
  if (raw === undefined) return def;
  if (!(values as readonly string[]).includes(raw))
    throw new ConfigError(name, `must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** `bucket=/dir,...` -> {bucket: "/dir"}; bucket names as OBS's (3-63 lowercase, digits, '.', '-'). */
function storageMap(text: string | undefined): Record<string, string> {
  // Plain object: the bucket grammar admits no `__proto__`-like key, and readers use Object.hasOwn.
  const out: Record<string, string> = {};
  for (const entry of (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])=(\/[^\0]*)$/.exec(entry);
    if (
      !m ||
      (m[2] as string).split("/").some((seg, i) => i > 0 && (seg === "" || seg === "." || seg === ".."))
    ) {
      throw new ConfigError(
        "CORRAL_MODELARTS_STORAGE",
        `entry ${JSON.stringify(entry)} must be bucket=/absolute/dir`,
      );
    }
    out[m[1] as string] = m[2] as string;
  }
  return out;
}
