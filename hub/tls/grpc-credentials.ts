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
 */
class OptionalClientCertCredentials extends ServerCredentials {
  constructor(caPem: string, server: ServerIdentity) {
    super(
      { requestCert: true, rejectUnauthorized: false },
      { ca: [caPem], cert: [server.chainPem], key: [server.keyPem] },
    );
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
