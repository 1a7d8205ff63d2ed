/**
 * X.509 v3 certificates (RFC 5280) laid out natively: the few DER structures the hub's CA writes
 * (its own self-signed certificate, its server's, each node's) and Node's crypto signs. node-forge
 * built them before in JavaScript, and a join storm paid for that thousands of times: ~0.3 ms of
 * the hub's CPU per certificate for forge's object model, its DER writer and its re-parse of the
 * node's key, plus ~4 MiB of forge loaded in every hub (issue 15). Nothing here is general: only
 * what issueCertificate and createCa put in a certificate.
 */
import crypto from "node:crypto";
import net from "node:net";
import { derElement, derEncode } from "./der";

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BOOLEAN = 0x01;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;
const UTF8_STRING = 0x0c;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const EXPLICIT_0 = 0xa0;
const EXPLICIT_3 = 0xa3;
/** GeneralName choices (RFC 5280 §4.2.1.6), context-specific and implicit. */
const DNS_NAME = 0x82;
const IP_ADDRESS = 0x87;

/** An OBJECT IDENTIFIER element from its dotted form (X.690 §8.19). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0))
    throw new Error(`bad OID ${dotted}`);
  const octets: number[] = [];
  const [first, second, ...rest] = arcs as [number, number, ...number[]];
  for (let v of [first * 40 + second, ...rest]) {
    const base128 = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    octets.push(...base128);
  }
  return derEncode(OID, Buffer.from(octets));
}

/** Attribute types of the names Corral writes. */
export const NAME_ATTRIBUTES = {
  commonName: "2.5.4.3",
  organizationalUnitName: "2.5.4.11",
} as const;

/**
 * A Name: one RDN per attribute, in the order given, each value a UTF8String (RFC 5280 §4.1.2.4:
 * what conforming CAs must use; forge wrote PrintableString, which cannot hold "_").
 */
export function name(attributes: ReadonlyArray<readonly [keyof typeof NAME_ATTRIBUTES, string]>): Buffer {
  return derEncode(
    SEQUENCE,
    ...attributes.map(([type, value]) =>
      derEncode(
        SET,
        derEncode(SEQUENCE, oid(NAME_ATTRIBUTES[type]), derEncode(UTF8_STRING, Buffer.from(value, "utf8"))),
      ),
    ),
  );
}

/**
 * A Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), whole seconds, UTC.
 */
function time(at: Date): Buffer {
  const iso = at.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "");
  const year = at.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new Error(`certificate time ${iso} out of range`);
  return year < 2050
    ? derEncode(UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, "latin1"))
    : derEncode(GENERALIZED_TIME, Buffer.from(`${digits}Z`, "latin1"));
}

/** One Extension: extnID, critical (DER omits the FALSE default), extnValue wrapping `valueDer`. */
function extension(id: string, critical: boolean, valueDer: Buffer): Buffer {
  return derEncode(
    SEQUENCE,
    oid(id),
    ...(critical ? [derEncode(BOOLEAN, Buffer.from([0xff]))] : []),
    derEncode(OCTET_STRING, valueDer),
  );
}

/** basicConstraints (critical): a CA with pathLenConstraint, or an end entity (empty sequence). */
export function basicConstraints(ca: { pathLen: number } | null): Buffer {
  const value = ca
    ? derEncode(SEQUENCE, derEncode(BOOLEAN, Buffer.from([0xff])), integer(ca.pathLen))
    : derEncode(SEQUENCE);
  return extension("2.5.29.19", true, value);
}

/** keyUsage bit positions (RFC 5280 §4.2.1.3). */
const KEY_USAGE_BITS = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** keyUsage (critical), a named BIT STRING: trailing zero bits dropped, as DER requires (X.690 §11.2.2). */
export function keyUsage(uses: ReadonlyArray<keyof typeof KEY_USAGE_BITS>): Buffer {
  let bits = 0; // bit 0 is the most significant bit of the first octet
  for (const use of uses) bits |= 0x80 >> KEY_USAGE_BITS[use];
  let unused = 0;
  while (unused < 8 && !(bits & (1 << unused))) unused++;
  const value =
    bits === 0 ? derEncode(BIT_STRING, Buffer.from([0])) : derEncode(BIT_STRING, Buffer.from([unused, bits]));
  return extension("2.5.29.15", true, value);
}

/** extendedKeyUsage purposes (RFC 5280 §4.2.1.12). */
const PURPOSES = { serverAuth: "1.3.6.1.5.5.7.3.1", clientAuth: "1.3.6.1.5.5.7.3.2" } as const;

export function extendedKeyUsage(purposes: ReadonlyArray<keyof typeof PURPOSES>): Buffer {
  return extension("2.5.29.37", false, derEncode(SEQUENCE, ...purposes.map((p) => oid(PURPOSES[p]))));
}

/** subjectAltName: each entry an iPAddress when it is an IP literal, else a dNSName. */
export function subjectAltName(names: readonly string[]): Buffer {
  return extension(
    "2.5.29.17",
    false,
    derEncode(
      SEQUENCE,
      ...names.map((n) =>
        net.isIP(n.replace(/%.*$/, ""))
          ? derEncode(IP_ADDRESS, ipOctets(n))
          : derEncode(DNS_NAME, Buffer.from(n, "latin1")),
      ),
    ),
  );
}

/** subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
export function subjectKeyIdentifier(spkiDer: Buffer): Buffer {
  const spki = derElement(spkiDer, 0, SEQUENCE);
  const algorithm = derElement(spkiDer, spki.start, SEQUENCE, spki.end);
  const key = derElement(spkiDer, algorithm.end, BIT_STRING, spki.end);
  const keyBits = spkiDer.subarray(key.start + 1, key.end);
  return extension(
    "2.5.29.14",
    false,
    derEncode(OCTET_STRING, crypto.createHash("sha1").update(keyBits).digest()),
  );
}

/** The 4 or 16 octets of an IPv4 or IPv6 literal (an IPv6 zone, "%eth0", is dropped). */
export function ipOctets(ip: string): Buffer {
  const bare = ip.replace(/%.*$/, "");
  if (net.isIPv4(bare)) return Buffer.from(bare.split(".").map(Number));
  if (!net.isIPv6(bare)) throw new Error(`${ip} is not an IP address`);
  let text = bare;
  // An embedded IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill("0"), ...back];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** A positive INTEGER from a small number. */
function integer(n: number): Buffer {
  const octets: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  if (octets.length === 0 || (octets[0] as number) & 0x80) octets.unshift(0);
  return derEncode(INTEGER, Buffer.from(octets));
}

/** The AlgorithmIdentifier of a SHA-256 signature by a key of `keyType` (RFC 4055 §5, RFC 5758 §3.2). */
export function signatureAlgorithm(keyType: string): Buffer {
  if (keyType === "rsa") return derEncode(SEQUENCE, oid("1.2.840.113549.1.1.11"), derEncode(NULL));
  if (keyType === "ec") return derEncode(SEQUENCE, oid("1.2.840.10045.4.3.2"));
  throw new Error(`a CA key of type ${keyType} cannot sign certificates here (RSA or ECDSA only)`);
}

export interface CertificateBody {
  /** Serial number, the INTEGER's content octets: positive (first bit clear), at most 20 octets. */
  serial: Buffer;
  /** The issuer Name, DER: the CA certificate's subject, byte for byte (issuerName). */
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** The subject's SubjectPublicKeyInfo, DER, whatever its algorithm. */
  spkiDer: Buffer;
  /** Extension elements (basicConstraints, keyUsage, ... above). */
  extensions: readonly Buffer[];
}

/** The signed certificate, DER: the TBSCertificate, signed with SHA-256 by `signer` (RSA PKCS#1 v1.5 or ECDSA). */
export function signCertificate(body: CertificateBody, signer: crypto.KeyObject): Buffer {
  if (body.serial.length === 0 || body.serial.length > 20 || (body.serial[0] as number) & 0x80)
    throw new Error("a certificate serial is 1-20 octets and positive");
  const algorithm = signatureAlgorithm(signer.asymmetricKeyType ?? "");
  const tbs = derEncode(
    SEQUENCE,
    derEncode(EXPLICIT_0, derEncode(INTEGER, Buffer.from([2]))), // v3
    derEncode(INTEGER, body.serial),
    algorithm,
    body.issuer,
    derEncode(SEQUENCE, time(body.notBefore), time(body.notAfter)),
    body.subject,
    body.spkiDer,
    derEncode(EXPLICIT_3, derEncode(SEQUENCE, ...body.extensions)),
  );
  const signature = crypto.sign("sha256", tbs, signer);
  return derEncode(SEQUENCE, tbs, algorithm, derEncode(BIT_STRING, Buffer.from([0]), signature));
}

/** The subject Name of a certificate, DER, as it appears in it (what the certificates it signs name as issuer). */
export function subjectName(certDer: Buffer): Buffer {
  const cert = derElement(certDer, 0, SEQUENCE);
  const tbs = derElement(certDer, cert.start, SEQUENCE, cert.end);
  let at = tbs.start;
  if (certDer[at] === EXPLICIT_0) at = derElement(certDer, at, EXPLICIT_0, tbs.end).end; // version
  at = derElement(certDer, at, INTEGER, tbs.end).end; // serialNumber
  at = derElement(certDer, at, SEQUENCE, tbs.end).end; // signature
  at = derElement(certDer, at, SEQUENCE, tbs.end).end; // issuer
  at = derElement(certDer, at, SEQUENCE, tbs.end).end; // validity
  const subject = derElement(certDer, at, SEQUENCE, tbs.end);
  return certDer.subarray(subject.offset, subject.end);
}

/** `der` as a PEM block labelled `label` ("CERTIFICATE"), 64 columns (RFC 7468). */
export function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER of the first `label` PEM block in `text`. */
export function pemDer(label: string, text: string): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!m) throw new Error(`no PEM ${label} block`);
  return Buffer.from((m[1] as string).replace(/\s+/g, ""), "base64");
}
