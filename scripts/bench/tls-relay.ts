/**
 * The ceiling for the tunnel benchmark: the same three loopback hops a tunnelled request takes
 * (client -> "hub", "hub" -> "agent" over TLS with the hub's server certificate, "agent" ->
 * container), with the bytes piped raw at each relay: no HTTP/2, no gRPC, no protobuf, no HTTP
 * parsing. Nothing that carries bytes over the agent link can be faster than this in the same
 * process, so the bench prints it next to direct and the tunnel to show how much of the gap to
 * direct is ours and how much is the extra hops and the link's encryption.
 */
import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

export interface TlsRelay {
  /** Where a client connects to reach `targetPort` through both relays. */
  port: number;
  close(): void;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

/** Pipes `a` and `b` into each other (backpressure both ways); either closing ends both. */
function splice(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
}

/** Starts both relays in front of 127.0.0.1:`targetPort`; `identity` is a TLS key and chain. */
export async function startTlsRelay(
  targetPort: number,
  identity: { keyPem: string; chainPem: string },
): Promise<TlsRelay> {
  const agentSide = tls.createServer({ key: identity.keyPem, cert: identity.chainPem }, (socket) =>
    splice(socket, net.connect(targetPort, "127.0.0.1")),
  );
  const agentPort = await listen(agentSide);
  const hubSide = net.createServer((socket) =>
    // The relay measures bulk cost only: the certificate was checked by nobody (rejectUnauthorized
    // false), which changes the handshake, not what encrypting each byte costs.
    splice(socket, tls.connect({ host: "127.0.0.1", port: agentPort, rejectUnauthorized: false })),
  );
  const port = await listen(hubSide);
  return {
    port,
    close: () => {
      hubSide.close();
      agentSide.close();
    },
  };
}
