import net from "node:net";
import tls from "node:tls";
import { CallCredentials, ChannelCredentials, type ChannelOptions } from "@grpc/grpc-js";
// Types only (not in grpc-js's index): what a ChannelCredentials hands its channel, and the target.
import type { SecureConnectResult, SecureConnector } from "@grpc/grpc-js/build/src/channel-credentials";
import type { GrpcUri } from "@grpc/grpc-js/build/src/uri-parser";
import { hubEndpoint } from "./hub-endpoint";

/** PEMs of the mutual-TLS identity a channel presents and the CA it trusts. */
export interface LinkTlsIdentity {
  caPem: string;
  keyPem: string;
  certPem: string;
}

/**
 * Mutual-TLS channel credentials that resume the last TLS session. What createSsl does (verify
 * the hub against `caPem`, present the node's key and certificate, ALPN h2), plus: the newest
 * session ticket the hub sent is kept and offered on the next connection of this credential.
 *
 * Why (issue 15): after a hub restart every agent reconnects at once, and a full TLS 1.3 handshake
 * costs the hub ~1.5 ms of CPU and the agent ~2 ms (Node checks the server identity with
 * getPeerCertificate(true), which decodes the whole chain into JS objects; it skips that only for
 * a resumed session). A resumed one skips both certificate checks: ~1.1 ms each side. The hub
 * keeps its ticket key across restarts (hub/tls/session-ticket-keys.ts), so a ticket from before
 * a restart still resumes. The session carries the identities verified by the full handshake, and
 * the hub still checks the certificate's serial (unrevoked, unexpired) on every Connect.
 *
 * A new node certificate or CA makes new credentials, so a session never outlives the identity it
 * was made with. grpc-js offers no resumption of its own; this implements its SecureConnector
 * contract (@grpc/grpc-js 1.14, pinned by package-lock; test/integration/agent-link-resumption
 * fails if a connection stops resuming).
 */
export class ResumingChannelCredentials extends ChannelCredentials {
  private readonly context: tls.SecureContext;
  /** The newest session ticket the hub sent over this credential; undefined until one arrives. */
  private session: Buffer | undefined;
  private resumed = 0;

  constructor(identity: LinkTlsIdentity) {
    super();
    this.context = tls.createSecureContext({
      ca: identity.caPem,
      key: identity.keyPem,
      cert: identity.certPem,
    });
  }

  /** How many connections over this credential resumed a session (tests, diagnostics). */
  get resumedConnections(): number {
    return this.resumed;
  }

  _isSecure(): boolean {
    return true;
  }

  _equals(other: ChannelCredentials): boolean {
    return other === this;
  }

  /** grpc-js's hook (compose() wraps it, passing the combined call credentials). */
  _createSecureConnector(
    target: GrpcUri,
    options: ChannelOptions,
    callCredentials: CallCredentials = CallCredentials.createEmpty(),
  ): SecureConnector {
    // The hub's name: the target's path (host:port, also under dns://authority/), or through an
    // HTTP CONNECT proxy (grpc_proxy / https_proxy) the target grpc-js tunnels to, as createSsl.
    const proxied = options["grpc.http_connect_target"];
    const { host } = hubEndpoint(typeof proxied === "string" ? proxied : target.path);
    return {
      connect: (socket) => this.connect(socket, host),
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => callCredentials,
      destroy: () => undefined,
    };
  }

  private connect(socket: net.Socket, host: string): Promise<SecureConnectResult> {
    return new Promise((resolve, reject) => {
      const tlsSocket = tls.connect(
        {
          socket,
          host,
          // SNI is for names (RFC 6066); an IP is checked against the certificate's IP SANs.
          ...(net.isIP(host) ? {} : { servername: host }),
          secureContext: this.context,
          ALPNProtocols: ["h2"],
          ...(this.session ? { session: this.session } : {}),
        },
        () => {
          if (!tlsSocket.authorized) {
            reject(tlsSocket.authorizationError);
            return;
          }
          if (tlsSocket.isSessionReused()) this.resumed++;
          resolve({ socket: tlsSocket, secure: true });
        },
      );
      // TLS 1.3 tickets arrive after the handshake (two per handshake); the newest is kept.
      tlsSocket.on("session", (session: Buffer) => {
        this.session = session;
      });
      tlsSocket.on("error", reject);
    });
  }
}
