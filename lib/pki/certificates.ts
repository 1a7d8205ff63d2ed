/**
 * The X.509 pieces Corral needs, hub and agent alike: keys (native; ECDSA P-256 for the hub's TLS
 * server and the nodes, RSA-2048 for the CA), a self-signed CA, server and node client
 * certificates signed by it, and the CA fingerprint a join token carries. node-forge lays out the
 * certificates (Node cannot); Node's crypto generates keys, signs, and parses/verifies what forge
 * wrote. Certificate requests are lib/pki/csr.ts (native, no forge: the agent never loads it).
 */
import crypto from "node:crypto";
import type Forge from "node-forge";

let forgeModule: typeof Forge | null = null;
/** node-forge, loaded on first use: only a process that issues certificates (the hub) needs it. */
function forge(): typeof Forge {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred CommonJS load, see above
  forgeModule ??= require("node-forge") as typeof Forge;
  return forgeModule;
}

/** RSA modulus in bits (the CA's key): the smallest size still accepted everywhere. */
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
 * A fresh RSA-2048 key pair (native, ~0.1 s): the CA's (forge signs the CA certificate, and forge
 * knows only RSA), and what nodes and the hub's server had before issue 15 (tests of that case).
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

/** DER prefix of a PKCS#1 DigestInfo for SHA-256 (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * A forge "private key" whose sign() is Node's native RSA: RSASSA-PKCS1-v1_5 over the SHA-256
 * digest forge computed (forge's pure-JS RSA takes ~50-100 ms a signature; native, ~1 ms). forge
 * only calls sign(md) on the key it is given.
 */
function nativeSigner(privateKeyPem: string): Forge.pki.rsa.PrivateKey {
  const key = privateKeyObject(privateKeyPem);
  const signer = {
    sign(md: Forge.md.MessageDigest): string {
      const digest = Buffer.from(md.digest().getBytes(), "binary");
      const signature = crypto.privateEncrypt(
        { key, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, digest]),
      );
      return signature.toString("binary");
    },
  };
  // forge's typings want a full RSA key; sign() is the only member cert.sign uses.
  return signer as unknown as Forge.pki.rsa.PrivateKey;
}

/** Most PEMs whose parse each memo below keeps (the CA's, a test's few): oldest dropped first. */
const PARSED_KEPT = 8;

/** `parse`, remembered for the PARSED_KEPT most recently added PEMs. */
function memoByPem<T>(parse: (pem: string) => T): (pem: string) => T {
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

/** Parsed private keys by PEM (the CA's): parsing a PEM costs ~3x the signature. */
const privateKeyObject = memoByPem((pem) => crypto.createPrivateKey(pem));

/** SHA-256 of the certificate's DER, lowercase hex without separators (k3s' CA hash). */
export function certificateFingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256.replace(/:/g, "").toLowerCase();
}

/**
 * 16 random bytes as a hex serial (RFC 5280 allows up to 20 octets). The first byte is 0x40-0x7f:
 * positive and without a leading zero, so every parser prints the same hex back.
 */
function newSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x3f) | 0x40;
  return bytes.toString("hex");
}

/** Certificates valid from a minute ago (small clock skew between hub and agent). */
const SKEW_MS = 60_000;

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

/** A self-signed CA certificate named `commonName`, valid `days`. */
export async function createCa(commonName: string, days: number): Promise<CaMaterial> {
  const keys = await generateRsaKeyPair();
  const cert = forge().pki.createCertificate();
  cert.publicKey = forge().pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = newSerial();
  cert.validity.notBefore = new Date(Date.now() - SKEW_MS);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  const name = [{ name: "commonName", value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true, pathLenConstraint: 0 },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(nativeSigner(keys.privateKey), forge().md.sha256.create());
  return { certPem: forge().pki.certificateToPem(cert), keyPem: keys.privateKey };
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

const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

/** The subject of the CA certificate `certPem` (the issuer of what it signs), parsed once per CA. */
const caSubject = memoByPem(
  (certPem): Forge.pki.CertificateField[] => forge().pki.certificateFromPem(certPem).subject.attributes,
);

/** forge's TBSCertificate builder: public in forge, missing from its typings. */
interface ForgeTbs {
  getTBSCertificate(cert: Forge.pki.Certificate): Forge.asn1.Asn1;
}

/** The dotted OID of sha256WithRSAEncryption (RFC 4055), the CA's signature algorithm. */
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

/**
 * Signs a certificate for `publicKeyPem` with the (RSA) CA. forge lays out the TBSCertificate, but
 * the subject's SubjectPublicKeyInfo goes in as Node's DER of the key, whatever its algorithm
 * (forge knows only RSA keys; the hub's server key is ECDSA), and Node signs the TBS DER.
 */
export function issueCertificate(ca: CaMaterial, o: IssueOptions): IssuedCertificate {
  const f = forge();
  const cert = f.pki.createCertificate();
  // A placeholder forge can encode; its SubjectPublicKeyInfo is replaced below.
  cert.publicKey = f.pki.setRsaPublicKey(new f.jsbn.BigInteger("1"), new f.jsbn.BigInteger("1"));
  cert.serialNumber = newSerial();
  const now = o.now ?? Date.now();
  cert.validity.notBefore = new Date(Math.min(now, Date.now()) - SKEW_MS);
  cert.validity.notAfter = new Date(now + o.validForMs);
  cert.setSubject([
    { name: "commonName", value: o.commonName },
    ...(o.organizationalUnit ? [{ name: "organizationalUnitName", value: o.organizationalUnit }] : []),
  ]);
  cert.setIssuer(caSubject(ca.certPem));
  const extensions: object[] = [
    { name: "basicConstraints", cA: false, critical: true },
    // keyEncipherment is an RSA key-transport use; an EC key only signs (RFC 8813 §3).
    {
      name: "keyUsage",
      digitalSignature: true,
      keyEncipherment: o.subjectKey.type === "rsa",
      critical: true,
    },
    { name: "extKeyUsage", serverAuth: o.usage === "server", clientAuth: o.usage === "client" },
  ];
  if (o.sans && o.sans.length > 0) {
    extensions.push({
      name: "subjectAltName",
      altNames: o.sans.map((s) => (IP.test(s) ? { type: 7, ip: s } : { type: 2, value: s })),
    });
  }
  cert.setExtensions(extensions);
  cert.signatureOid = cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  const tbs = (f.pki as unknown as ForgeTbs).getTBSCertificate(cert);
  // TBSCertificate: version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
  (tbs.value as Forge.asn1.Asn1[])[6] = f.asn1.fromDer(o.subjectKey.spkiDer.toString("binary"));
  cert.tbsCertificate = tbs;
  const signature = crypto.sign(
    "sha256",
    Buffer.from(f.asn1.toDer(tbs).getBytes(), "binary"),
    privateKeyObject(ca.keyPem),
  );
  cert.signature = signature.toString("binary");
  return {
    certPem: f.pki.certificateToPem(cert),
    serial: cert.serialNumber.toLowerCase(),
    notAfter: cert.validity.notAfter.getTime(),
  };
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
