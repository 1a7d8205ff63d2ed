import type { Clock } from "./clock";
import { UnauthenticatedError } from "./errors";
import type { NodeCertificate } from "./model";
import type { Store } from "./repositories";

/**
 * The node client certificates the hub CA issued, by serial (issue 13). The gateway signs them
 * (hub/tls); the core keeps the facts: which serial belongs to which node, until when, and whether
 * it was revoked. A join revokes the node's earlier certificates; an admin's "replace node"
 * revokes them all (NodeService.replace), so a revoked certificate fails the next Connect or
 * Tunnel at once.
 */
export class NodeCertificateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a certificate just issued to `nodeId` for the key `keySha256` (SHA-256 hex of its SPKI
   * DER). `revokeOthers` (a join): the node's earlier certificates stop working; a renewal keeps
   * the current one until it expires.
   */
  record(
    nodeId: string,
    serial: string,
    expiresAt: number,
    revokeOthers: boolean,
    keySha256: string,
  ): NodeCertificate {
    const now = this.clock.now();
    const cert: NodeCertificate = { serial, nodeId, issuedAt: now, expiresAt, revokedAt: null, keySha256 };
    this.store.transaction(() => {
      this.store.nodeCertificates.insert(cert);
      if (revokeOthers) this.store.nodeCertificates.revokeForNode(nodeId, now, serial);
    });
    return cert;
  }

  /** Throws UnauthenticatedError unless `serial` is an unrevoked, unexpired certificate of `nodeId`. */
  check(nodeId: string, serial: string): NodeCertificate {
    const cert = this.store.nodeCertificates.bySerial(serial.toLowerCase());
    if (!cert || cert.nodeId !== nodeId) throw new UnauthenticatedError("unknown node certificate");
    if (cert.revokedAt !== null) throw new UnauthenticatedError("node certificate revoked");
    if (cert.expiresAt <= this.clock.now()) throw new UnauthenticatedError("node certificate expired");
    return cert;
  }

  /** Revokes every certificate of the node now. Returns how many were live. */
  revokeNode(nodeId: string): number {
    return this.store.nodeCertificates.revokeForNode(nodeId, this.clock.now());
  }
}
