import net from "node:net";
import type { Server, ServerCredentials } from "@grpc/grpc-js";

/**
 * Pending TCP connections the kernel queues for the hub's gRPC port before it accepts them
 * (listen(2) backlog; Linux caps it at net.core.somaxconn, 4096 by default). @default 4096
 *
 * grpc-js's bindAsync listens with Node's default of 511: when thousands of agents connect at
 * once (a fleet installed together, every agent back after a hub restart) the queue overflows,
 * the kernel drops their SYNs, and each dropped agent waits for TCP's retransmission (1 s, then
 * 3 s, 7 s, 15 s...) while the hub sits idle: a 2,000-agent storm showed 380k listen overflows
 * and ~30 s to welcome everyone with both processes mostly idle (issue 15).
 */
export const AGENT_LINK_BACKLOG = 4096;

export interface AgentLinkListener {
  /** The port bound (the one asked for, or the one the kernel chose for 0). */
  port: number;
  /**
   * Stops accepting new connections. Those already handed to grpc-js stay open until grpc-js
   * closes them (Server.tryShutdown / forceShutdown); the listener's "close" follows the last.
   */
  close(): void;
}

/**
 * Serves `server` on `host:port` from our own TCP listener with a deep accept queue, handing each
 * connection to grpc-js (its connection injector runs TLS and HTTP/2 on it exactly as bindAsync's
 * listener would). `host` is one address or name (a name resolves to its first address).
 */
export async function listenAgentLink(
  server: Server,
  credentials: ServerCredentials,
  host: string,
  port: number,
  backlog = AGENT_LINK_BACKLOG,
): Promise<AgentLinkListener> {
  const injector = server.createConnectionInjector(credentials);
  const tcp = net.createServer({ noDelay: true }, (socket) => injector.injectConnection(socket));
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen({ host, port, backlog }, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  return {
    port: (tcp.address() as net.AddressInfo).port,
    close: () => void tcp.close(),
  };
}
