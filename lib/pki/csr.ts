/**
 * A node's PKCS#10 certificate request (RFC 2986), made and checked natively. The agent builds one
 * at each join and renewal (a few DER elements signed by Node's crypto, RSA or ECDSA keys); the
 * hub takes it apart with a small DER reader and verifies its signature under its own key (proof
 * of possession). A join storm is thousands of these: node-forge parsed the request and built its
 * RSA key in JavaScript, and the key was parsed again from PEM per use (~1 ms of the hub's CPU per
 * join, issue 15), and an agent had to load forge (~4 MiB) to make one.
 */
import crypto from "node:crypto";
import type { KeyPairPem } from "./certificates";
import { derElement, derEncode, oidString } from "./der";
import { privateKeyObject, publicKeyFromSpki } from "./key-objects";
import { name, pem, signatureAlgorithm } from "./x509";

/** The key of a request whose signature verified. */
export interface RequestKey {
  /** SubjectPublicKeyInfo, DER, as the request carried it. */
  spkiDer: Buffer;
  /** Node's asymmetricKeyType: "rsa" or "ec". */
  type: string;
  /** SHA-256 of spkiDer, lowercase hex. */
  sha256: string;
}

/** Signature algorithms a request may use: digest and key type (RFC 4055, RFC 5758). */
const SIGNATURES: Readonly<Record<string, { digest: string; keyType: string }>> = {
  "1.2.840.113549.1.1.5": { digest: "sha1", keyType: "rsa" },
  "1.2.840.113549.1.1.11": { digest: "sha256", keyType: "rsa" },
  "1.2.840.113549.1.1.12": { digest: "sha384", keyType: "rsa" },
  "1.2.840.113549.1.1.13": { digest: "sha512", keyType: "rsa" },
  "1.2.840.10045.4.3.2": { digest: "sha256", keyType: "ec" },
  "1.2.840.10045.4.3.3": { digest: "sha384", keyType: "ec" },
  "1.2.840.10045.4.3.4": { digest: "sha512", keyType: "ec" },
};

/** Most bytes of a request's PEM accepted. @default 16 KiB (an RSA-4096 request is ~1.7 KiB) */
const MAX_CSR_PEM_BYTES = 16 * 1024;

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OID = 0x06;
const BIT_STRING = 0x03;
const CONTEXT_0 = 0xa0;

/**
 * A request for `commonName` (subject CN=commonName, no attributes), signed with the requester's
 * own key: SHA-256 with ECDSA or RSA (PKCS#1 v1.5), by the key's type. The subject, algorithm
 * identifier and PEM are written as in the certificates the hub issues (lib/pki/x509.ts).
 */
export function createCsr(keys: KeyPairPem, commonName: string): string {
  // Parsed once per key: a join paced by a busy hub makes a new request at every retry.
  const privateKey = privateKeyObject(keys.privateKey);
  const spki = crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const subject = name([["commonName", commonName]]);
  const info = derEncode(SEQUENCE, derEncode(INTEGER, Buffer.from([0])), subject, spki, derEncode(CONTEXT_0));
  const algorithm = signatureAlgorithm(privateKey.asymmetricKeyType ?? "");
  const signature = crypto.sign("sha256", info, privateKey);
  const der = derEncode(SEQUENCE, info, algorithm, derEncode(BIT_STRING, Buffer.from([0]), signature));
  return pem("CERTIFICATE REQUEST", der);
}

/**
 * The key of `csrPem` once the request's signature verifies under it. Throws "malformed
 * certificate request: ..." for anything that is not a well-formed request, and "certificate
 * request signature does not verify" for a signature that fails or an algorithm not listed above.
 */
export function verifyCsr(csrPem: string): RequestKey {
  let der: Buffer;
  let info: { start: number; end: number };
  let spkiDer: Buffer;
  let algorithm: string;
  let signature: Buffer;
  let key: crypto.KeyObject;
  try {
    der = pemBody(csrPem);
    // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
    const request = derElement(der, 0, SEQUENCE);
    if (request.end !== der.length) throw new Error("trailing bytes");
    const infoEl = derElement(der, request.start, SEQUENCE, request.end);
    info = { start: infoEl.offset, end: infoEl.end };
    // CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, [0] attributes }
    const version = derElement(der, infoEl.start, INTEGER, infoEl.end);
    const subject = derElement(der, version.end, SEQUENCE, infoEl.end);
    const spki = derElement(der, subject.end, SEQUENCE, infoEl.end);
    spkiDer = der.subarray(spki.offset, spki.end);
    const algorithmId = derElement(der, infoEl.end, SEQUENCE, request.end);
    const oid = derElement(der, algorithmId.start, OID, algorithmId.end);
    algorithm = oidString(der.subarray(oid.start, oid.end));
    const bits = derElement(der, algorithmId.end, BIT_STRING, request.end);
    if (bits.end !== request.end || der[bits.start] !== 0) throw new Error("bad signature bit string");
    signature = der.subarray(bits.start + 1, bits.end);
    key = publicKeyFromSpki(spkiDer);
  } catch (err) {
    throw new Error(`malformed certificate request: ${(err as Error).message}`);
  }
  const scheme = SIGNATURES[algorithm];
  const type = key.asymmetricKeyType ?? "";
  let verified = false;
  if (scheme && scheme.keyType === type) {
    try {
      verified = crypto.verify(
        scheme.digest,
        der.subarray(info.start, info.end),
        type === "rsa" ? { key, padding: crypto.constants.RSA_PKCS1_PADDING } : key,
        signature,
      );
    } catch {
      verified = false; // a signature block the key cannot decode
    }
  }
  if (!verified) throw new Error("certificate request signature does not verify");
  return { spkiDer, type, sha256: crypto.createHash("sha256").update(spkiDer).digest("hex") };
}

/** The DER inside a "CERTIFICATE REQUEST" (or older "NEW CERTIFICATE REQUEST") PEM block. */
function pemBody(pem: string): Buffer {
  if (pem.length > MAX_CSR_PEM_BYTES) throw new Error(`longer than ${MAX_CSR_PEM_BYTES} bytes`);
  const m =
    /-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (NEW )?CERTIFICATE REQUEST-----/.exec(
      pem,
    );
  if (!m) throw new Error("no PEM CERTIFICATE REQUEST block");
  return Buffer.from((m[2] as string).replace(/\s+/g, ""), "base64");
}
