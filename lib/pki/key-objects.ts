/**
 * Parsed keys, cheaply. Node 20 bundles OpenSSL 3.0, whose PEM/DER key decoding sets up a decoder
 * per call: parsing an EC private key PEM costs ~0.8 ms (signing with it ~0.05 ms) and an EC
 * public key DER ~0.25 ms, on the 2-core machine. A join storm pays one public-key parse per join
 * on the hub (the request's key) and one private-key parse per request on the agent (issue 15).
 */
import crypto from "node:crypto";

/** Most PEMs whose parse each memo keeps (the CA's, an agent's own, a test's few): oldest dropped first. */
const PARSED_KEPT = 8;

/** `parse`, remembered for the PARSED_KEPT most recently added PEMs. */
export function memoByPem<T>(parse: (pem: string) => T): (pem: string) => T {
  const kept = new Map<string, T>();
  return (pem) => {
    let value = kept.get(pem);
    if (value === undefined) {
      value = parse(pem);
      if (kept.size >= PARSED_KEPT) kept.delete(kept.keys().next().value as string);
      kept.set(pem, value);
    }
    return value;
  };
}

/** Parsed private keys by PEM (the CA's on the hub, the node's on an agent). */
export const privateKeyObject = memoByPem((pem) => crypto.createPrivateKey(pem));

/**
 * What every P-256 SubjectPublicKeyInfo with an uncompressed point starts with (RFC 5480):
 * SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 0, 0x04 || X || Y } }.
 */
const P256_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200" + "04", "hex");
/** Bytes of one coordinate of a P-256 point. */
const P256_COORD = 32;

/**
 * The public key of a SubjectPublicKeyInfo (DER). A P-256 key with an uncompressed point (what
 * Node, OpenSSL and Go write) is imported from its coordinates as a JWK, which skips OpenSSL 3.0's
 * decoder (~0.13 ms instead of ~0.25 ms) and checks the point is on the curve all the same; any
 * other key goes through the DER decoder. Throws for bytes that are no key.
 */
export function publicKeyFromSpki(spkiDer: Buffer): crypto.KeyObject {
  if (
    spkiDer.length === P256_SPKI_PREFIX.length + 2 * P256_COORD &&
    spkiDer.subarray(0, P256_SPKI_PREFIX.length).equals(P256_SPKI_PREFIX)
  ) {
    const x = spkiDer.subarray(P256_SPKI_PREFIX.length, P256_SPKI_PREFIX.length + P256_COORD);
    const y = spkiDer.subarray(P256_SPKI_PREFIX.length + P256_COORD);
    return crypto.createPublicKey({
      key: { kty: "EC", crv: "P-256", x: x.toString("base64url"), y: y.toString("base64url") },
      format: "jwk",
    });
  }
  return crypto.createPublicKey({ key: spkiDer, format: "der", type: "spki" });
}
