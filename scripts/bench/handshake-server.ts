/**
 * Child process of `npm run bench:handshake`: an HTTP/2 TLS server with the agent link's TLS
 * options (hub/tls/grpc-credentials, the options grpc-js hands to http2.createSecureServer), in its
 * own process so the CPU it reports is the server side of the handshakes alone.
 *
 * Receives {type:"listen", options} (options with PEMs as strings, `stateless` true to drop the
 * agent link's secureOptions: Node's default of stateless TLS 1.3 session tickets), then
 * {type:"start"} / {type:"stop"}. Sends {type:"listening", port} and, for stop,
 * {type:"cpu", micros, handshakes, verified}: user + system CPU, handshakes completed and those
 * whose client certificate verified against the CA, since start.
 */
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { SecureServerOptions } from "node:http2";

export type HandshakeServerRequest =
  { type: "listen"; options: SecureServerOptions; stateless: boolean } | { type: "start" } | { type: "stop" };
export type HandshakeServerReport =
  { type: "listening"; port: number } | { type: "cpu"; micros: number; handshakes: number; verified: number };

const send = (m: HandshakeServerReport): void => void process.send?.(m);

let handshakes = 0;
let verified = 0;
let cpu0 = process.cpuUsage();

process.on("message", (m: HandshakeServerRequest) => {
  if (m.type === "listen") {
    const options: SecureServerOptions = { ...m.options };
    if (m.stateless) delete options.secureOptions;
    const server = http2.createSecureServer(options);
    server.on("secureConnection", (socket) => {
      handshakes++;
      if (socket.authorized) verified++;
    });
    // Sessions are closed by the client once it has the server's SETTINGS (after the tickets).
    server.on("session", (s) => s.on("error", () => undefined));
    server.listen(0, "127.0.0.1", () =>
      send({ type: "listening", port: (server.address() as AddressInfo).port }),
    );
  } else if (m.type === "start") {
    handshakes = 0;
    verified = 0;
    cpu0 = process.cpuUsage();
  } else {
    const used = process.cpuUsage(cpu0);
    send({ type: "cpu", micros: used.user + used.system, handshakes, verified });
  }
});
process.on("disconnect", () => process.exit(0));
