/** Query parameter of a signed tunnel URL's first visit (exchanged for a path-scoped cookie). */
export const TUNNEL_TOKEN_PARAM = "corral_token";

/** The hub path of one task port (native API; every surface's tunnel links point here). */
export const taskPortPath = (workloadId: string, index: number, port: number): string =>
  `/api/corral/v1/workloads/${encodeURIComponent(workloadId)}/tasks/${index}/ports/${port}`;

/** A signed URL that opens a task port in a browser: `origin` is the hub's as the caller reached it. */
export const signedTaskPortUrl = (
  origin: string,
  workloadId: string,
  index: number,
  port: number,
  token: string,
): string =>
  `${origin}${taskPortPath(workloadId, index, port)}/?${TUNNEL_TOKEN_PARAM}=${encodeURIComponent(token)}`;
