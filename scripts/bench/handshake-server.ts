/**
 * Child process of `npm run bench:handshake`: an HTTP/2 TLS server with the agent link's TLS
 * options (hub/tls/grpc-credentials, the options grpc-js hands to http2.createSecureServer), in its
 * own process so the CPU it reports is the server side of the handshakes alone.
 *
 * Receives {type:"listen", options, ticketKeysHex} (options with PEMs as strings; ticketKeysHex:
 * the agent link's ticket keys, or null for the hub before resumption: SSL_OP_NO_TICKET, stateful
 * tickets nobody can resume), then {type:"start"} / {type:"stop"}. Sends {type:"listening", port}
 * and, for stop, {type:"cpu", micros, handshakes, verified, resumed}: user + system CPU,
 * handshakes completed, those whose client certificate verified against the CA and those that
 * resumed a session, since start.
 */
import { constants } from "node:crypto";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { SecureServerOptions } from "node:http2";

export type HandshakeServerRequest =
  | { type: "listen"; options: SecureServerOptions; ticketKeysHex: string | null }
  | { type: "start" }
  | { type: "stop" };
export type HandshakeServerReport =
  | { type: "listening"; port: number }
  | { type: "cpu"; micros: number; handshakes: number; verified: number; resumed: number };

const send = (m: HandshakeServerReport): void => void process.send?.(m);

let handshakes = 0;
let verified = 0;
let resumed = 0;
let cpu0 = process.cpuUsage();

process.on("message", (m: HandshakeServerRequest) => {
  if (m.type === "listen") {
    const options: SecureServerOptions = { ...m.options };
    delete options.ticketKeys;
    if (m.ticketKeysHex === null) options.secureOptions = constants.SSL_OP_NO_TICKET;
    else options.ticketKeys = Buffer.from(m.ticketKeysHex, "hex");
    const server = http2.createSecureServer(options);
    server.on("secureConnection", (socket) => {
      handshakes++;
      if (socket.authorized) verified++;
      if (socket.isSessionReused()) resumed++;
    });
    // Sessions are closed by the client once it has the server's SETTINGS (after the tickets).
    server.on("session", (s) => s.on("error", () => undefined));
    server.listen(0, "127.0.0.1", () =>
      send({ type: "listening", port: (server.address() as AddressInfo).port }),
    );
  } else if (m.type === "start") {
    handshakes = 0;
    verified = 0;
    resumed = 0;
    cpu0 = process.cpuUsage();
  } else {
    const used = process.cpuUsage(cpu0);
    send({ type: "cpu", micros: used.user + used.system, handshakes, verified, resumed });
  }
});
process.on("disconnect", () => process.exit(0));
