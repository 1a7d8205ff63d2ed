import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  DEFAULT_DENIED_HOST_PORTS,
  DEFAULT_PIDS_LIMIT,
  parsePortRanges,
  type ContainerPolicy,
  type PortRange,
} from "./runtime/container-policy";

/**
 * Agent configuration from the environment, validated once at start and frozen. A bad value stops
 * the start with a message naming it.
 */
export interface AgentConfig {
  /** CORRAL_HUB: the hub's gRPC address, host:port. Required. */
  hub: string;
  /** CORRAL_JOIN_TOKEN: needed for the first start (or after the stored credential is refused). */
  joinToken: string | undefined;
  /**
   * CORRAL_HUB_CA_FILE: PEM of the hub CA to trust. Unset: the CA a K10<sha256>::<secret> join
   * token names, or (bare token) the one the hub presents at the first join, pinned either way.
   */
  hubCaFile: string | undefined;
  /** CORRAL_CLUSTER. @default default */
  cluster: string;
  /** CORRAL_NODE_NAME. @default the hostname */
  nodeName: string;
  /** CORRAL_LABELS: comma list of labels added to this node. @default none */
  labels: string[];
  /** CORRAL_AGENT_DATA_DIR: node credential and desired-state record. @default ./agent-data */
  dataDir: string;
  /** CORRAL_NVIDIA_SMI: nvidia-smi binary. @default nvidia-smi (on PATH) */
  nvidiaSmi: string;
  /** CORRAL_NVIDIA_SMI_TIMEOUT_MS. @default 10000 */
  nvidiaSmiTimeoutMs: number;
  /** CORRAL_RUNTIME: docker, or fake for simulations and benchmarks. @default docker */
  runtime: "docker" | "fake";
  /** CORRAL_DOCKER_SOCKET. @default /var/run/docker.sock */
  dockerSocket: string;
  /** CORRAL_KEEP_EXITED_MS: how long exited task containers are kept for their logs. @default 3600000 */
  keepExitedMs: number;
  /** Container hardening (agent/runtime/container-policy.ts): CORRAL_CONTAINER_PIDS_LIMIT, CORRAL_PORT_BIND_ADDRESS, CORRAL_DENIED_HOST_PORTS. */
  containerPolicy: ContainerPolicy;
  /** CORRAL_LOG_LEVEL: one of LOG_LEVELS (pino's levels). @default info */
  logLevel: LogLevel;
}

/** pino's level names, the values CORRAL_LOG_LEVEL takes (the hub takes the same). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class AgentConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`invalid configuration: ${variable} ${reason}`);
    this.name = "AgentConfigError";
  }
}

export function loadAgentConfig(
  env: Record<string, string | undefined> = process.env,
): Readonly<AgentConfig> {
  const get = (n: string) => (env[n] === undefined || env[n] === "" ? undefined : env[n]);
  const hub = get("CORRAL_HUB");
  if (!hub) throw new AgentConfigError("CORRAL_HUB", "is required (host:port of the hub's gRPC endpoint)");
  if (!/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(hub)) {
    throw new AgentConfigError("CORRAL_HUB", `must be host:port, got ${JSON.stringify(hub)}`);
  }
  const runtime = get("CORRAL_RUNTIME") ?? "docker";
  if (runtime !== "docker" && runtime !== "fake")
    throw new AgentConfigError("CORRAL_RUNTIME", `must be docker or fake, got ${JSON.stringify(runtime)}`);
  const labels = (get("CORRAL_LABELS") ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  for (const l of labels) {
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    if (l.length > 253 || /[\s\u0000-\u001f]/.test(l))
      throw new AgentConfigError("CORRAL_LABELS", `has an invalid label ${JSON.stringify(l)}`);
  }
  const nodeName = get("CORRAL_NODE_NAME") ?? os.hostname();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/.test(nodeName)) {
    throw new AgentConfigError(
      "CORRAL_NODE_NAME",
      `must be letters, digits, '_', '.' or '-', got ${JSON.stringify(nodeName)}`,
    );
  }
  const hubCaFile = get("CORRAL_HUB_CA_FILE");
  if (hubCaFile !== undefined && !fs.existsSync(hubCaFile))
    throw new AgentConfigError("CORRAL_HUB_CA_FILE", `names no file: ${hubCaFile}`);
  return Object.freeze({
    hub,
    joinToken: get("CORRAL_JOIN_TOKEN"),
    hubCaFile,
    cluster: get("CORRAL_CLUSTER") ?? "default",
    nodeName,
    labels,
    dataDir: path.resolve(get("CORRAL_AGENT_DATA_DIR") ?? "./agent-data"),
    nvidiaSmi: get("CORRAL_NVIDIA_SMI") ?? "nvidia-smi",
    nvidiaSmiTimeoutMs: positive(get, "CORRAL_NVIDIA_SMI_TIMEOUT_MS", 10_000),
    runtime,
    dockerSocket: get("CORRAL_DOCKER_SOCKET") ?? "/var/run/docker.sock",
    keepExitedMs: positive(get, "CORRAL_KEEP_EXITED_MS", 3_600_000),
    containerPolicy: containerPolicy(get, hub),
    logLevel: oneOf(get, "CORRAL_LOG_LEVEL", LOG_LEVELS, "info"),
  });
}

/**
 * The container policy from the environment. Denied host ports default to DEFAULT_DENIED_HOST_PORTS
 * plus the port of CORRAL_HUB (the hub's gRPC port), so no task can squat the hub's own ports.
 */
function containerPolicy(get: (n: string) => string | undefined, hub: string): ContainerPolicy {
  const pidsLimit = positive(get, "CORRAL_CONTAINER_PIDS_LIMIT", DEFAULT_PIDS_LIMIT);
  const portBindAddress = get("CORRAL_PORT_BIND_ADDRESS") ?? "0.0.0.0";
  if (net.isIP(portBindAddress) === 0)
    throw new AgentConfigError(
      "CORRAL_PORT_BIND_ADDRESS",
      `must be an IP address, got ${JSON.stringify(portBindAddress)}`,
    );
  const raw = get("CORRAL_DENIED_HOST_PORTS");
  let deniedHostPorts: PortRange[];
  try {
    deniedHostPorts = raw === undefined ? [...DEFAULT_DENIED_HOST_PORTS] : parsePortRanges(raw);
  } catch (err) {
    throw new AgentConfigError("CORRAL_DENIED_HOST_PORTS", (err as Error).message);
  }
  if (raw === undefined) {
    const hubPort = Number(hub.slice(hub.lastIndexOf(":") + 1));
    if (hubPort > 0) deniedHostPorts.push({ from: hubPort, to: hubPort });
  }
  return { pidsLimit, portBindAddress, deniedHostPorts };
}

function positive(get: (n: string) => string | undefined, name: string, def: number): number {
  const raw = get(name);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw))
    throw new AgentConfigError(name, `must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function oneOf<T extends string>(
  get: (n: string) => string | undefined,
  name: string,
  values: readonly T[],
  def: T,
): T {
  const raw = get(name);
  if (raw === undefined) return def;
  if (!(values as readonly string[]).includes(raw))
    throw new AgentConfigError(name, `must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw as T;
}
