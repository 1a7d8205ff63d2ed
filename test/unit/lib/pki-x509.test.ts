import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import {
  createCa,
  generateRsaKeyPair,
  issueCertificate,
  issuedBy,
  subjectKeyFromPem,
} from "../../../lib/pki/certificates";
import { ipOctets, oid } from "../../../lib/pki/x509";
import { testKeys } from "../../helpers/test-keys";

/** dist/ of the module under test (this file runs from dist/test/unit/lib). */
const dist = path.resolve(__dirname, "../../..");

describe("lib/pki/x509: certificates laid out natively (no forge)", function () {
  this.timeout(30_000);

  it("a new CA is ECDSA P-256, self-signed, CA:TRUE with pathlen 0, signing certificates only", async () => {
    const ca = await createCa("Corral hub CA host_1", 3650);
    const x = new crypto.X509Certificate(ca.certPem);
    assert.equal(x.ca, true);
    assert.equal(x.publicKey.asymmetricKeyType, "ec");
    assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.equal(x.subject, "CN=Corral hub CA host_1", "a UTF8String holds the underscore");
    assert.equal(x.issuer, x.subject);
    assert.ok(x.checkIssued(x) && x.verify(x.publicKey), "self-signed");
    assert.equal(x.keyUsage, undefined, "no extended key usage");
    // keyUsage (2.5.29.15), critical, keyCertSign + cRLSign: BIT STRING 03 02 01 06.
    assert.ok(x.raw.includes(Buffer.from("0603551d0f0101ff040403020106", "hex")));
    assert.ok(Date.parse(x.validTo) - Date.now() > 3649 * 86_400_000, "valid ten years");
  });

  it("a node certificate: CN = node id, OU = cluster, client use only, the request's key, signed by the CA", async () => {
    const ca = await createCa("test CA", 1);
    const keys = await testKeys();
    const issued = issueCertificate(ca, {
      commonName: "node-1",
      organizationalUnit: "edge_a",
      subjectKey: subjectKeyFromPem(keys.publicKey),
      usage: "client",
      validForMs: 3_600_500,
      now: Date.now(),
    });
    const x = new crypto.X509Certificate(issued.certPem);
    assert.equal(x.subject, "CN=node-1\nOU=edge_a");
    assert.equal(x.issuer, "CN=test CA");
    assert.equal(x.ca, false);
    assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.2"], "extended key usage: TLS client only");
    assert.equal(x.publicKey.export({ type: "spki", format: "pem" }), keys.publicKey);
    assert.equal(x.serialNumber.toLowerCase(), issued.serial);
    assert.equal(Date.parse(x.validTo), issued.notAfter, "notAfter is what the certificate says");
    assert.ok(issuedBy(issued.certPem, ca.certPem));
    assert.equal(
      issuedBy(issued.certPem, (await createCa("test CA", 1)).certPem),
      false,
      "same name, other key",
    );
  });

  it("an RSA CA (a hub from before issue 15) still signs, with sha256WithRSAEncryption, for RSA and EC keys", async () => {
    const rsa = await generateRsaKeyPair();
    const ca = await createCa("old CA", 10, rsa);
    assert.equal(new crypto.X509Certificate(ca.certPem).publicKey.asymmetricKeyType, "rsa");
    for (const subject of [rsa.publicKey, (await testKeys()).publicKey]) {
      const issued = issueCertificate(ca, {
        commonName: "n",
        subjectKey: subjectKeyFromPem(subject),
        usage: "client",
        validForMs: 60_000,
      });
      assert.ok(issuedBy(issued.certPem, ca.certPem));
    }
  });

  it("a server certificate names its DNS names and IPv4 and IPv6 addresses, which host and IP checks match", async () => {
    const ca = await createCa("test CA", 1);
    const keys = await testKeys();
    const issued = issueCertificate(ca, {
      commonName: "corral-hub",
      subjectKey: subjectKeyFromPem(keys.publicKey),
      usage: "server",
      sans: ["hub.example", "127.0.0.1", "::1", "fe80::1:2%eth0", "::ffff:10.1.2.3"],
      validForMs: 60_000,
    });
    const x = new crypto.X509Certificate(issued.certPem);
    assert.equal(
      x.subjectAltName,
      "DNS:hub.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, " +
        "IP Address:FE80:0:0:0:0:0:1:2, IP Address:0:0:0:0:0:FFFF:A01:203",
    );
    assert.equal(x.checkHost("hub.example"), "hub.example");
    assert.equal(x.checkIP("::1"), "::1");
    assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  });

  it("encodes OIDs and IP literals as X.690 and RFC 5280 say", () => {
    assert.equal(oid("1.2.840.113549.1.1.11").toString("hex"), "06092a864886f70d01010b");
    assert.equal(oid("2.5.29.17").toString("hex"), "0603551d11");
    assert.equal(ipOctets("10.0.0.255").toString("hex"), "0a0000ff");
    assert.equal(ipOctets("2001:db8::8:800:200c:417a").toString("hex"), "20010db80000000000080800200c417a");
    assert.equal(ipOctets("::").toString("hex"), "0".repeat(32));
    assert.throws(() => ipOctets("hub.example"), /not an IP address/);
  });

  it("no process loads an ASN.1 library to make keys, requests or certificates", () => {
    // A fresh process: the answer must not depend on what other tests loaded.
    const script = `
      const c = require(${JSON.stringify(path.join(dist, "lib/pki/certificates.js"))});
      const r = require(${JSON.stringify(path.join(dist, "lib/pki/csr.js"))});
      c.createCa("ca", 1).then(async (ca) => {
        const keys = await c.generateKeyPair();
        const key = r.verifyCsr(r.createCsr(keys, "c/n1"));
        c.issueCertificate(ca, { commonName: "n1", subjectKey: key, usage: "client", validForMs: 1000 });
        const loaded = Object.keys(require.cache).filter((f) => f.includes("/node_modules/"));
        process.stdout.write(JSON.stringify(loaded));
      });`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }),
    ) as string[];
    assert.deepEqual(loaded, []);
  });
});
