import http, { type IncomingMessage } from "node:http";
import type { TunnelRequestOptions } from "../tunnel/connection-pool";

/** Request headers a proxy must not pass on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "upgrade",
]);

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
  out["x-forwarded-prefix"] = prefix;
  const peer = req.socket.remoteAddress;
  if (peer)
    out["x-forwarded-for"] = req.headers["x-forwarded-for"]
      ? `${String(req.headers["x-forwarded-for"])}, ${peer}`
      : peer;
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

/** The container's response headers as a flat raw list, less hop-by-hop and Node's own framing. */
export function downstreamHeaders(res: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === "transfer-encoding") continue;
    out.push(name, res.rawHeaders[i + 1] as string);
  }
  return out;
}
