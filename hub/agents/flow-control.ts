import type http2 from "node:http2";
import type { Server } from "@grpc/grpc-js";
import type { Logger } from "pino";

/**
 * HTTP/2 receive windows the hub offers each agent connection: per stream (each tunnel is one)
 * and for the whole connection. grpc-js's server keeps Node's 64 KiB for both, which caps a
 * tunnelled download at one window per round trip (measured: 13 % of direct vs 45 % with these).
 * They also bound what one agent connection can have in flight toward the hub.
 * @default 4 MiB per stream, 16 MiB per connection
 */
export const TUNNEL_STREAM_WINDOW = 4 * 1024 * 1024;
export const TUNNEL_CONNECTION_WINDOW = 16 * 1024 * 1024;

/**
 * Widens the receive windows of every HTTP/2 session `server` accepts. Call after bindAsync.
 * grpc-js (1.14) has no server option for this (its client has `grpc-node.flow_control_window`),
 * so this reaches its internal `http2Servers` map; when a grpc-js upgrade removes it, the hub
 * logs a warning and keeps the defaults (slower downloads, same behaviour).
 */
export function widenReceiveWindows(server: Server, logger: Logger): void {
  // Reason for the cast: the field is private in grpc-js's types; see above.
  const servers = (server as unknown as { http2Servers?: Map<http2.Http2Server, unknown> }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) {
    logger.warn("grpc-js internals changed: agent links keep the default 64 KiB HTTP/2 windows");
    return;
  }
  for (const h2 of servers.keys()) {
    h2.on("session", (session: http2.ServerHttp2Session) => {
      try {
        session.settings({ initialWindowSize: TUNNEL_STREAM_WINDOW });
        session.setLocalWindowSize(TUNNEL_CONNECTION_WINDOW);
      } catch (err) {
        logger.warn({ err }, "could not widen an agent connection's HTTP/2 windows");
      }
    });
  }
}
