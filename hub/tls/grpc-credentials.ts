import { ServerCredentials } from "@grpc/grpc-js";
import type { HubCa, ServerIdentity } from "./hub-ca";
import { SESSION_LIFETIME_S, sessionTicketKeys } from "./session-ticket-keys";

/**
 * gRPC server credentials for AgentLink: TLS with the hub's server identity, asking every client
 * for a certificate signed by the hub CA but not requiring one at the handshake, since Join is how
 * a new node gets its certificate. Connect and Tunnel refuse a call without a verified node
 * certificate (hub/agents/peer-certificate.ts); grpc-js reports a peer certificate only when it
 * verified against the CA (chain and validity dates).
 */
export function agentLinkServerCredentials(
  ca: HubCa,
  server: ServerIdentity,
  ticketKeys: Buffer = sessionTicketKeys(ca.dir),
): ServerCredentials {
  return new OptionalClientCertCredentials(ca.certPem, server, ticketKeys);
}

/**
 * ServerCredentials.createSsl either requires a client certificate or never asks for one; this
 * asks (requestCert) without refusing the handshake (rejectUnauthorized false).
 *
 * Sessions resume (issue 15): stateless TLS 1.3 tickets under `ticketKeys`, which the hub keeps
 * across restarts (session-ticket-keys.ts), valid for SESSION_LIFETIME_S. Agents offer their last
 * ticket on every reconnect (agent/link/resuming-credentials.ts). Issuing tickets is not free:
 * OpenSSL builds each by serializing the session and parsing it back, which decodes the client
 * certificate's key again, so a full handshake costs ~20 % more than with SSL_OP_NO_TICKET (what
 * the hub did before agents resumed); a resumed one costs ~25 % less than that, and the agent's
 * side about half. A first join pays the extra once (its Connect), every reconnect after a hub
 * restart saves: `npm run bench:handshake` measures all three in one run.
 */
class OptionalClientCertCredentials extends ServerCredentials {
  constructor(caPem: string, server: ServerIdentity, ticketKeys: Buffer) {
    super(
      { requestCert: true, rejectUnauthorized: false, ticketKeys, sessionTimeout: SESSION_LIFETIME_S },
      {
        ca: [caPem],
        cert: [server.chainPem],
        key: [server.keyPem],
      },
    );
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
