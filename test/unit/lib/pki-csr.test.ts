import assert from "node:assert/strict";
import crypto from "node:crypto";
import { generateRsaKeyPair } from "../../../lib/pki/certificates";
import { createCsr, verifyCsr } from "../../../lib/pki/csr";
import { oidString } from "../../../lib/pki/der";
import { testKeys } from "../../helpers/test-keys";

/** One DER element: tag, definite length, content. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const ECDSA_SHA256 = Buffer.from("2a8648ce3d040302", "hex"); // 1.2.840.10045.4.3.2
const RSA_SHA256 = Buffer.from("2a864886f70d01010b", "hex"); // 1.2.840.113549.1.1.11

/** A PKCS#10 request built by hand, signed with `key` under the algorithm `oid` (content octets). */
function handmadeCsr(
  publicKey: crypto.KeyObject,
  sign: (info: Buffer) => Buffer,
  oid: Buffer,
  label = "CERTIFICATE REQUEST",
): string {
  const spki = publicKey.export({ type: "spki", format: "der" });
  const cn = seq(tlv(0x06, Buffer.from("550403", "hex")), tlv(0x0c, Buffer.from("c/n1")));
  const info = seq(tlv(0x02, Buffer.from([0])), seq(tlv(0x31, cn)), spki, tlv(0xa0, Buffer.alloc(0)));
  const der = seq(info, seq(tlv(0x06, oid)), tlv(0x03, Buffer.concat([Buffer.from([0]), sign(info)])));
  return `-----BEGIN ${label}-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END ${label}-----\n`;
}

describe("lib/pki/csr: a node's certificate request checked natively", function () {
  this.timeout(30_000);

  it("returns the key of a request made by the agent (ECDSA P-256), with its SPKI and hash", async () => {
    const keys = await testKeys();
    const key = verifyCsr(createCsr(keys, "c/n1"));
    const spki = crypto.createPublicKey(keys.publicKey).export({ type: "spki", format: "der" });
    assert.equal(key.type, "ec");
    assert.deepEqual(key.spkiDer, spki);
    assert.equal(key.sha256, crypto.createHash("sha256").update(spki).digest("hex"));
  });

  it("makes requests the hub accepts from an RSA key too (agents from before issue 15)", async () => {
    const keys = await generateRsaKeyPair();
    const key = verifyCsr(createCsr(keys, "c/n1"));
    assert.equal(key.type, "rsa");
    // And OpenSSL reads it: Node's X509 cannot parse a CSR, so the subject is checked via the DER.
    const der = Buffer.from(createCsr(keys, "c/ñode").replace(/-----[^-]+-----|\s/g, ""), "base64");
    assert.ok(der.includes(Buffer.from("c/ñode")), "CN as UTF-8");
  });

  it("accepts an ECDSA P-256 request, and the older NEW CERTIFICATE REQUEST label", () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const sign = (info: Buffer) => crypto.sign("sha256", info, privateKey);
    assert.equal(verifyCsr(handmadeCsr(publicKey, sign, ECDSA_SHA256)).type, "ec");
    assert.equal(verifyCsr(handmadeCsr(publicKey, sign, ECDSA_SHA256, "NEW CERTIFICATE REQUEST")).type, "ec");
  });

  it("refuses a signature by another key, an algorithm that does not fit the key, and a tampered request", async () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const other = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    const bad = /certificate request signature does not verify/;
    assert.throws(
      () => verifyCsr(handmadeCsr(publicKey, (i) => crypto.sign("sha256", i, other), ECDSA_SHA256)),
      bad,
    );
    assert.throws(
      () => verifyCsr(handmadeCsr(publicKey, (i) => crypto.sign("sha256", i, privateKey), RSA_SHA256)),
      bad,
    );
    const pem = createCsr(await testKeys(), "c/n1");
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    der[40] = (der[40] as number) ^ 0x01; // inside the subject: the signature no longer covers it
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.throws(() => verifyCsr(tampered), /does not verify|malformed/);
  });

  it("says malformed for what is not a request: no PEM, garbage, truncated, trailing bytes, too long", async () => {
    const malformed = /malformed certificate request: /;
    assert.throws(() => verifyCsr("hello"), malformed);
    assert.throws(
      () => verifyCsr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"),
      malformed,
    );
    const der = Buffer.from(createCsr(await testKeys(), "c/n1").replace(/-----[^-]+-----|\s/g, ""), "base64");
    const wrap = (b: Buffer) =>
      `-----BEGIN CERTIFICATE REQUEST-----\n${b.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.throws(() => verifyCsr(wrap(der.subarray(0, der.length - 10))), malformed);
    assert.throws(() => verifyCsr(wrap(Buffer.concat([der, Buffer.from([0, 0])]))), malformed);
    assert.throws(() => verifyCsr(wrap(Buffer.alloc(20_000, 0x30))), /longer than 16384 bytes/);
  });

  it("reads OIDs in dotted form", () => {
    assert.equal(oidString(RSA_SHA256), "1.2.840.113549.1.1.11");
    assert.equal(oidString(ECDSA_SHA256), "1.2.840.10045.4.3.2");
    assert.equal(oidString(Buffer.from("550403", "hex")), "2.5.4.3");
  });
});
