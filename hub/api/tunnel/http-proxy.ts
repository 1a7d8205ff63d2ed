import http, { type IncomingMessage } from "node:http";
import { pipeline } from "node:stream";
import { CorralError } from "../../core/errors";
import { TunnelUnreachableError, type TunnelChannel } from "../../core/tunnels";
import type { ApiContext } from "../context";
import type { TunnelRequestOptions } from "./connection-pool";
import type { UpgradeSocket } from "./upgrade";

/** Request headers a proxy must not pass on (RFC 9110 §7.6.1). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "upgrade",
]);

/** How the request reaching the container is rewritten. */
export interface ForwardOptions {
  /** Path and query on the container, e.g. "/api/status?x=1". */
  path: string;
  /** The hub path the container sits under, sent as X-Forwarded-Prefix (no trailing slash). */
  prefix: string;
  /** Header names to drop (the hub's own credentials). */
  drop: ReadonlySet<string>;
  /** Cookie names to drop from the Cookie header. */
  dropCookies: ReadonlySet<string>;
}

/**
 * Sends the request to the container through a tunnel of `via` (a pooled, kept-alive one when
 * idle, else a new one) and streams the answer back. Both bodies stream with backpressure: Node's
 * HTTP client and server read only as fast as the other side drains. Rejects, before anything was
 * sent to the client, when the tunnel could not be opened (its CorralError) or the container
 * closed the connection without answering; a request without a body that met a kept-alive
 * connection the container had just closed is sent once more on a new one.
 */
export async function forwardHttp(
  ctx: ApiContext,
  via: TunnelRequestOptions,
  o: ForwardOptions,
): Promise<void> {
  const req = ctx.req;
  // HTTP/1.1 framing: a request has a body only with one of these headers.
  const bodiless =
    req.headers["transfer-encoding"] === undefined &&
    (req.headers["content-length"] === undefined || req.headers["content-length"] === "0");
  let upstream: http.ClientRequest;
  let res: IncomingMessage;
  for (let attempt = 1; ; attempt++) {
    upstream = http.request({
      ...via,
      method: req.method,
      path: o.path,
      headers: requestHeaders(req, o, false),
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once("response", resolve);
      upstream.once("error", reject);
    });
    if (bodiless) upstream.end();
    else req.pipe(upstream);
    // The client went away (before or during the answer): the tunnel and its container connection go too.
    const sent = upstream;
    ctx.res.once("close", () => {
      if (!ctx.res.writableFinished) sent.destroy();
    });
    try {
      res = await answered;
      break;
    } catch (err) {
      if (err instanceof CorralError) throw err;
      if (attempt === 1 && bodiless && upstream.reusedSocket && !ctx.res.destroyed) continue;
      throw new TunnelUnreachableError(`the task's port closed the connection: ${(err as Error).message}`);
    }
  }
  // A link drop mid-body ends the response with an error (pipeline below passes it on).
  upstream.on("error", () => undefined);
  ctx.respond = false;
  const out = ctx.res;
  const headers = responseHeaders(res);
  for (let i = 0; i < headers.length; i += 2)
    out.appendHeader(headers[i] as string, headers[i + 1] as string);
  out.writeHead(res.statusCode ?? 502, res.statusMessage);
  out.flushHeaders();
  // On an error (a link drop mid-body) pipeline destroys both: the client sees the connection
  // abort rather than a short, "complete" body, and the tunnel is not kept for reuse.
  pipeline(res, out, () => undefined);
}

/**
 * Takes over an upgrade request's socket: writes the (rewritten) request head and anything the
 * client already sent into the tunnel, then copies raw bytes both ways. The container's own
 * answer (101 and its WebSocket frames, or a refusal) reaches the client untouched, so the hub
 * needs no WebSocket code for port tunnels. When the tunnel fails after a 101, the client gets a
 * WebSocket close frame 1014 (bad gateway) before the socket ends.
 */
export function forwardUpgrade(
  ctx: ApiContext,
  channel: TunnelChannel,
  up: UpgradeSocket,
  o: ForwardOptions,
): void {
  ctx.respond = false;
  const req = ctx.req;
  const head = [`${req.method} ${o.path} HTTP/1.1`];
  const h = requestHeaders(req, o, true);
  for (const [k, v] of Object.entries(h)) for (const one of [v].flat()) head.push(`${k}: ${one}`);
  channel.write(head.join("\r\n") + "\r\n\r\n");
  if (up.head.length > 0) channel.write(up.head);
  let switched = false;
  channel.once("data", (d: Buffer) => {
    switched = d.subarray(0, 12).toString("latin1").startsWith("HTTP/1.1 101");
  });
  up.socket.pipe(channel);
  channel.pipe(up.socket);
  up.socket.on("error", () => channel.destroy());
  up.socket.on("close", () => channel.destroy());
  channel.on("error", () => {
    if (switched && up.socket.writable) up.socket.end(closeFrame(1014, "tunnel to the task lost"));
    else up.socket.destroy();
  });
}

/** An unmasked (server-to-client) WebSocket close frame (RFC 6455 §5.5.1). */
function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 120));
  const frame = Buffer.alloc(4 + text.length);
  frame[0] = 0x88;
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}

function requestHeaders(req: IncomingMessage, o: ForwardOptions, upgrade: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || o.drop.has(name)) continue;
    if (HOP_BY_HOP.has(name) && !(upgrade && (name === "upgrade" || name === "connection"))) continue;
    if (name === "cookie") {
      const kept = String(value)
        .split(/;\s*/)
        .filter((c) => c && !o.dropCookies.has(c.slice(0, c.indexOf("=")).trim()));
      if (kept.length > 0) out.cookie = kept.join("; ");
      continue;
    }
    out[name] = value;
  }
  addForwarding(out, req, o.prefix);
  return out;
}

/** X-Forwarded-Prefix (the hub path the container sits under) and X-Forwarded-For (the client appended). */
export function addForwarding(out: http.OutgoingHttpHeaders, req: IncomingMessage, prefix: string): void {
  out["x-forwarded-prefix"] = prefix;
  const peer = req.socket.remoteAddress;
  if (peer)
    out["x-forwarded-for"] = req.headers["x-forwarded-for"]
      ? `${String(req.headers["x-forwarded-for"])}, ${peer}`
      : peer;
}

/** The container's response headers as a flat raw list, less hop-by-hop and Node's own framing. */
export function responseHeaders(res: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === "transfer-encoding") continue;
    out.push(name, res.rawHeaders[i + 1] as string);
  }
  return out;
}
