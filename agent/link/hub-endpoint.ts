/** The host and port a grpc target names, for connections the agent makes itself. */
export interface HubEndpoint {
  /** Host name or IP address (an IPv6 address without its brackets). */
  host: string;
  port: number;
}

/**
 * The endpoint of an AgentLink target: `host:port`, `[v6]:port`, or with a scheme and authority
 * (dns://127.0.0.1:1/host:port, the benchmark's one-connection-per-agent trick), whose endpoint is
 * the last part.
 */
export function hubEndpoint(target: string): HubEndpoint {
  const hub = target.slice(target.lastIndexOf("/") + 1);
  const i = hub.lastIndexOf(":");
  return { host: hub.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(hub.slice(i + 1)) };
}
