/**
 * What every task container is held to on this node (issue 13), whatever its spec says: no new
 * privileges, a pids limit, Docker's default capabilities (never privileged, nothing added),
 * published host ports bound to one address and refused in a denied set.
 */
import { RuntimeError, type TaskSpec } from "./runtime";

export interface ContainerPolicy {
  /** CORRAL_CONTAINER_PIDS_LIMIT: most processes per container; 0 = the engine's default (none). @default 4096 */
  pidsLimit: number;
  /** CORRAL_PORT_BIND_ADDRESS: host address published ports listen on. @default 0.0.0.0 (every address) */
  portBindAddress: string;
  /**
   * CORRAL_DENIED_HOST_PORTS: host ports a task may not publish on, inclusive ranges. @default
   * 1-1023 (privileged ports) plus the hub's ports the agent knows (its gRPC port; 9080 and 9081,
   * the hub's defaults).
   */
  deniedHostPorts: readonly PortRange[];
}

export interface PortRange {
  from: number;
  to: number;
}

/** Processes per container unless configured. */
export const DEFAULT_PIDS_LIMIT = 4096;

/** Privileged ports and the hub's default HTTP and gRPC ports. */
export const DEFAULT_DENIED_HOST_PORTS: readonly PortRange[] = [
  { from: 1, to: 1023 },
  { from: 9080, to: 9081 },
];

export const DEFAULT_CONTAINER_POLICY: ContainerPolicy = {
  pidsLimit: DEFAULT_PIDS_LIMIT,
  portBindAddress: "0.0.0.0",
  deniedHostPorts: DEFAULT_DENIED_HOST_PORTS,
};

/** `1-1023,9080,9443-9444` -> ranges; throws Error naming the bad part. Empty string: none. */
export function parsePortRanges(text: string): PortRange[] {
  return text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
      const from = m ? Number(m[1]) : NaN;
      const to = m?.[2] !== undefined ? Number(m[2]) : from;
      if (!m || from < 1 || to > 65535 || from > to)
        throw new Error(`${JSON.stringify(part)} is not a port or a range lo-hi within 1-65535`);
      return { from, to };
    });
}

export function formatPortRanges(ranges: readonly PortRange[]): string {
  return ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(",");
}

/** Refuses a spec publishing a denied host port (RuntimeError create_failed, naming the port). */
export function checkHostPorts(spec: TaskSpec, policy: ContainerPolicy): void {
  for (const p of spec.ports) {
    if (p.hostPort <= 0) continue; // the engine picks an ephemeral port
    const denied = policy.deniedHostPorts.find((r) => p.hostPort >= r.from && p.hostPort <= r.to);
    if (denied)
      throw new RuntimeError(
        `host port ${p.hostPort} (port ${p.name || p.containerPort}) is not allowed on this node ` +
          `(denied: ${formatPortRanges(policy.deniedHostPorts)}; CORRAL_DENIED_HOST_PORTS)`,
        "create_failed",
      );
  }
}
