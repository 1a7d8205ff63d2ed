import http, { type IncomingMessage } from "node:http";
import type { TunnelRequestOptions } from "../tunnel/connection-pool";
import { addForwarding, HOP_BY_HOP } from "../tunnel/http-proxy";

export interface UpstreamRequest {
  method: string;
  /** Path and query on the container. */
  path: string;
  headers: http.OutgoingHttpHeaders;
  /** The whole body (retryable), or the client's stream (sent once). */
  body: Buffer | IncomingMessage;
}

/** The client's headers for the container: hop-by-hop and `drop` removed, forwarding headers added. */
export function upstreamHeaders(
  req: IncomingMessage,
  drop: ReadonlySet<string>,
  prefix: string,
  bodyLength: number | null,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || drop.has(name) || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  if (bodyLength !== null) {
    delete out["transfer-encoding"];
    if (bodyLength > 0 || req.headers["content-length"] !== undefined)
      out["content-length"] = String(bodyLength);
  }
  addForwarding(out, req, prefix);
  return out;
}

/**
 * Sends one request through a tunnel (pooled by `via`) and resolves with the container's answer
 * head; rejects, before any byte of an answer, when the tunnel cannot be opened or the container
 * closes without answering. `reused` says whether it met a kept-alive tunnel (a container closing
 * that one is worth one more try on the same instance).
 */
export function sendUpstream(
  via: TunnelRequestOptions,
  r: UpstreamRequest,
  onClientGone: (abort: () => void) => void,
): Promise<{ res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const upstream = http.request({ ...via, method: r.method, path: r.path, headers: r.headers });
    upstream.once("response", (res) => resolve({ res }));
    upstream.once("error", (err) =>
      reject(
        Object.assign(err, { reusedSocket: upstream.reusedSocket }) as Error & { reusedSocket: boolean },
      ),
    );
    onClientGone(() => upstream.destroy());
    if (Buffer.isBuffer(r.body)) upstream.end(r.body);
    else r.body.pipe(upstream);
  });
}
