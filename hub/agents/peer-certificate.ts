import type { ServerDuplexStream, ServerUnaryCall } from "@grpc/grpc-js";
import type { CertificateFacts } from "../../lib/pki/certificates";

/**
 * The client certificate a call's TLS connection presented, when it verified against the hub CA
 * (grpc-js reports none otherwise: no certificate, another CA, or outside its validity dates).
 * Read from the PeerCertificate object grpc-js already took from the TLS socket, not parsed from
 * its DER again (an X509Certificate parse cost ~0.3 ms per Connect: 10k agents reconnecting after a
 * hub restart, issue 15).
 */
export function peerCertificate(
  call: ServerDuplexStream<unknown, unknown> | ServerUnaryCall<unknown, unknown>,
): CertificateFacts | null {
  const peer = call.getAuthContext()?.sslPeerCertificate;
  if (!peer?.raw || !peer.serialNumber) return null;
  // subject.CN is an array when the subject repeats CN; a node certificate has exactly one.
  const cn: unknown = peer.subject?.CN;
  if (typeof cn !== "string") return null;
  return {
    subjectCommonName: cn,
    serial: peer.serialNumber.toLowerCase(),
    notBefore: Date.parse(peer.valid_from),
    notAfter: Date.parse(peer.valid_to),
  };
}
