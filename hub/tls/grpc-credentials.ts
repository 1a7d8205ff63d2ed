import { constants } from "node:crypto";
import { ServerCredentials } from "@grpc/grpc-js";
import type { HubCa, ServerIdentity } from "./hub-ca";

/**
 * gRPC server credentials for AgentLink: TLS with the hub's server identity, asking every client
 * for a certificate signed by the hub CA but not requiring one at the handshake, since Join is how
 * a new node gets its certificate. Connect and Tunnel refuse a call without a verified node
 * certificate (hub/agents/peer-certificate.ts); grpc-js reports a peer certificate only when it
 * verified against the CA (chain and validity dates).
 */
export function agentLinkServerCredentials(ca: HubCa, server: ServerIdentity): ServerCredentials {
  return new OptionalClientCertCredentials(ca.certPem, server);
}

/**
 * ServerCredentials.createSsl either requires a client certificate or never asks for one; this
 * asks (requestCert) without refusing the handshake (rejectUnauthorized false).
 *
 * SSL_OP_NO_TICKET: TLS 1.3 servers send two session tickets after every handshake, and OpenSSL
 * builds each stateless one by serializing the session and parsing it back, which decodes the
 * client certificate's key again (the largest single cost of a handshake under OpenSSL 3.0). With
 * the option the tickets are stateful: a session id the hub keeps nowhere (Node's server has no
 * internal session cache), so building one costs nothing. No agent loses by it: grpc-js never
 * offers a session to resume. Measured on 2 cores: 15-22 % less hub CPU per AgentLink handshake,
 * which every join (three handshakes) and every reconnect after a hub restart pays (issue 15).
 */
class OptionalClientCertCredentials extends ServerCredentials {
  constructor(caPem: string, server: ServerIdentity) {
    super(
      { requestCert: true, rejectUnauthorized: false },
      {
        ca: [caPem],
        cert: [server.chainPem],
        key: [server.keyPem],
        secureOptions: constants.SSL_OP_NO_TICKET,
      },
    );
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
