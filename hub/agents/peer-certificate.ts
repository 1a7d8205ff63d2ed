import type { ServerDuplexStream, ServerUnaryCall } from "@grpc/grpc-js";
import { certificateFacts, type CertificateFacts } from "../../lib/pki/certificates";

/**
 * The client certificate a call's TLS connection presented, when it verified against the hub CA
 * (grpc-js reports none otherwise: no certificate, another CA, or outside its validity dates).
 */
export function peerCertificate(
  call: ServerDuplexStream<unknown, unknown> | ServerUnaryCall<unknown, unknown>,
): CertificateFacts | null {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!raw) return null;
  try {
    return certificateFacts(raw);
  } catch {
    return null;
  }
}
