import http, { type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** The raw socket of an HTTP Upgrade request, for the route that takes it over. */
export interface UpgradeSocket {
  socket: Duplex;
  /** Bytes the client sent after its request head (already read by Node). */
  head: Buffer;
}

const UPGRADE = Symbol("corral.upgrade");
type WithUpgrade = IncomingMessage & { [UPGRADE]?: UpgradeSocket };

/** The upgrade socket of `req`, when it came through the server's "upgrade" event. */
export function upgradeOf(req: IncomingMessage): UpgradeSocket | null {
  return (req as WithUpgrade)[UPGRADE] ?? null;
}

/**
 * An "upgrade" listener that runs upgrade requests through the same app as every other request
 * (same auth, routes and error bodies): the app answers on a response bound to the raw socket, and
 * a route that takes the upgrade over (upgradeOf) sets ctx.respond = false and owns the socket.
 */
export function upgradeThrough(
  app: (req: IncomingMessage, res: http.ServerResponse) => void,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    (req as WithUpgrade)[UPGRADE] = { socket, head };
    socket.on("error", () => socket.destroy());
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on("finish", () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    app(req, res);
  };
}
