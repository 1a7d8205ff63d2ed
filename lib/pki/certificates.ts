/**
 * The X.509 pieces Corral needs, hub and agent alike: keys (native; ECDSA P-256 for new CAs, the
 * hub's TLS server and the nodes; RSA-2048 where a hub from before issue 15 made its CA so), a
 * self-signed CA, server and node client certificates signed by it, and the CA fingerprint a join
 * token carries. Certificates are laid out by lib/pki/x509.ts and signed and parsed by Node's
 * crypto; certificate requests are lib/pki/csr.ts. No ASN.1 library is loaded anywhere.
 */
import crypto from "node:crypto";
import { memoByPem, privateKeyObject } from "./key-objects";
import {
  basicConstraints,
  extendedKeyUsage,
  keyUsage,
  name,
  pem,
  pemDer,
  signCertificate,
  subjectAltName,
  subjectKeyIdentifier,
  subjectName,
} from "./x509";

/**
 * RSA modulus in bits, for keys as hubs and agents made them before issue 15: the smallest size
 * still accepted everywhere.
 */
const RSA_BITS = 2048;

export interface KeyPairPem {
  /** PKCS#8 PEM. Secret: files 0600. */
  privateKey: string;
  /** SPKI PEM. */
  publicKey: string;
}

/**
 * A fresh ECDSA P-256 key pair (native, ~1 ms), for the hub's TLS server and each node. Every TLS
 * handshake signs with one of them: a P-256 signature costs ~0.03 ms where RSA-2048 took ~1-1.5 ms,
 * which a join storm or 10k agents reconnecting after a hub restart pay thousands of times on
 * each side (issue 15); an RSA-2048 key also took ~0.1 s to make.
 */
export async function generateKeyPair(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair(
      "ec",
      {
        namedCurve: "prime256v1",
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKey, publicKey })),
    ),
  );
}

/**
 * A fresh RSA-2048 key pair (native, ~0.1 s): what the CA, the nodes and the hub's server had
 * before issue 15 (tests of hubs and agents from then).
 */
export async function generateRsaKeyPair(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair(
      "rsa",
      {
        modulusLength: RSA_BITS,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKey, publicKey })),
    ),
  );
}

/** The algorithm of a PEM private key: "rsa", "ec", ... (Node's asymmetricKeyType). */
export function privateKeyType(pem: string): string {
  return privateKeyObject(pem).asymmetricKeyType ?? "unknown";
}

/** SHA-256 of the certificate's DER, lowercase hex without separators (k3s' CA hash). */
export function certificateFingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256.replace(/:/g, "").toLowerCase();
}

/**
 * 16 random bytes as a hex serial (RFC 5280 allows up to 20 octets). The first byte is 0x40-0x7f:
 * positive and without a leading zero, so every parser prints the same hex back.
 */
function newSerial(): Buffer {
  const bytes = crypto.randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x3f) | 0x40;
  return bytes;
}

/** Certificates valid from a minute ago (small clock skew between hub and agent). */
const SKEW_MS = 60_000;

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

/**
 * A self-signed CA certificate named `commonName`, valid `days`, for `keys` (default: a fresh
 * ECDSA P-256 pair: each certificate it signs costs ~0.04 ms where RSA-2048 took ~0.4 ms, which a
 * join storm pays per node; verifying one costs a TLS peer ~0.1 ms instead of ~0.03 ms).
 */
export async function createCa(commonName: string, days: number, keys?: KeyPairPem): Promise<CaMaterial> {
  const pair = keys ?? (await generateKeyPair());
  const spkiDer = crypto.createPublicKey(pair.publicKey).export({ type: "spki", format: "der" });
  const subject = name([["commonName", commonName]]);
  const now = Date.now();
  const der = signCertificate(
    {
      serial: newSerial(),
      issuer: subject,
      subject,
      notBefore: new Date(now - SKEW_MS),
      notAfter: new Date(now + days * 86_400_000),
      spkiDer,
      extensions: [
        basicConstraints({ pathLen: 0 }),
        keyUsage(["keyCertSign", "cRLSign"]),
        subjectKeyIdentifier(spkiDer),
      ],
    },
    privateKeyObject(pair.privateKey),
  );
  return { certPem: pem("CERTIFICATE", der), keyPem: pair.privateKey };
}

export interface IssueOptions {
  /** Subject common name (a node certificate: the node id). */
  commonName: string;
  /** The key the certificate is for: a verified request's (verifyCsr) or subjectKeyFromPem's. */
  subjectKey: SubjectKey;
  /** "server": TLS server with `sans`; "client": TLS client (a node). */
  usage: "server" | "client";
  /** DNS names and IP addresses (server certificates). */
  sans?: readonly string[];
  /** Lifetime from now, ms. */
  validForMs: number;
  /** Subject organisational unit (node certificates: the cluster). */
  organizationalUnit?: string;
  /** Issue time (ms since epoch). @default Date.now() */
  now?: number;
}

/** A public key as a certificate carries it. */
export interface SubjectKey {
  /** SubjectPublicKeyInfo, DER. */
  spkiDer: Buffer;
  /** Node's asymmetricKeyType: "rsa", "ec", ... */
  type: string;
}

/** The SubjectKey of a public key PEM (SPKI or PKCS#1). */
export function subjectKeyFromPem(publicKeyPem: string): SubjectKey {
  const key = crypto.createPublicKey(publicKeyPem);
  return { spkiDer: key.export({ type: "spki", format: "der" }), type: key.asymmetricKeyType ?? "" };
}

export interface IssuedCertificate {
  certPem: string;
  /** Lowercase hex, as X509Certificate.serialNumber prints it (uppercased there). */
  serial: string;
  notAfter: number;
}

/** The subject of the CA certificate `certPem` (the issuer of what it signs), read once per CA. */
const caSubject = memoByPem((certPem) => subjectName(pemDer("CERTIFICATE", certPem)));

/**
 * Signs a certificate for `o.subjectKey` with the CA (RSA or ECDSA, by its key): the subject's
 * SubjectPublicKeyInfo goes in as given, whatever its algorithm.
 */
export function issueCertificate(ca: CaMaterial, o: IssueOptions): IssuedCertificate {
  const serial = newSerial();
  const now = o.now ?? Date.now();
  // Whole seconds, as the certificate records them, so notAfter is what a parser reads back.
  const notAfter = Math.floor((now + o.validForMs) / 1000) * 1000;
  const extensions = [
    basicConstraints(null),
    // keyEncipherment is an RSA key-transport use; an EC key only signs (RFC 8813 §3).
    keyUsage(o.subjectKey.type === "rsa" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"]),
    extendedKeyUsage([o.usage === "server" ? "serverAuth" : "clientAuth"]),
  ];
  if (o.sans && o.sans.length > 0) extensions.push(subjectAltName(o.sans));
  const der = signCertificate(
    {
      serial,
      issuer: caSubject(ca.certPem),
      subject: name([
        ["commonName", o.commonName],
        ...(o.organizationalUnit ? [["organizationalUnitName", o.organizationalUnit] as const] : []),
      ]),
      notBefore: new Date(Math.min(now, Date.now()) - SKEW_MS),
      notAfter: new Date(notAfter),
      spkiDer: o.subjectKey.spkiDer,
      extensions,
    },
    privateKeyObject(ca.keyPem),
  );
  return { certPem: pem("CERTIFICATE", der), serial: serial.toString("hex"), notAfter };
}

/** What a certificate says about itself (Node's parser). */
export interface CertificateFacts {
  subjectCommonName: string;
  serial: string;
  notBefore: number;
  notAfter: number;
}

export function certificateFacts(certPem: string | Buffer): CertificateFacts {
  const x = new crypto.X509Certificate(certPem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? "";
  return {
    subjectCommonName: cn,
    serial: x.serialNumber.toLowerCase(),
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
  };
}

/** Whether `certPem` was signed by the CA `caPem`. */
export function issuedBy(certPem: string | Buffer, caPem: string): boolean {
  const cert = new crypto.X509Certificate(certPem);
  const ca = new crypto.X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
