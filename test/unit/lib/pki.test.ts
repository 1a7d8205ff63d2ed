import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  certificateFacts,
  certificateFingerprint,
  createCa,
  issueCertificate,
  issuedBy,
} from "../../../lib/pki/certificates";
import { createCsr, verifyCsr } from "../../../lib/pki/csr";
import { formatJoinToken, parseJoinToken } from "../../../lib/pki/join-token";
import { testKeys } from "../../helpers/test-keys";

describe("lib/pki: the hub CA's certificates and K10 join tokens", function () {
  this.timeout(30_000);

  it("issues a node certificate from a CSR that Node verifies against the CA (native signatures)", async () => {
    const ca = await createCa("test CA", 1);
    const keys = await testKeys();
    const csr = createCsr(keys, "n1");
    const issued = issueCertificate(ca, {
      commonName: "node-id-1",
      subjectKey: verifyCsr(csr),
      usage: "client",
      validForMs: 3_600_000,
    });
    assert.ok(issuedBy(issued.certPem, ca.certPem));
    const facts = certificateFacts(issued.certPem);
    assert.equal(facts.subjectCommonName, "node-id-1");
    assert.equal(facts.serial, issued.serial);
    assert.match(issued.serial, /^[4-7][0-9a-f]{31}$/, "positive, no leading zero");
    const x = new crypto.X509Certificate(issued.certPem);
    assert.equal(x.publicKey.export({ type: "spki", format: "pem" }), keys.publicKey);
    assert.equal(certificateFingerprint(ca.certPem), x509Fingerprint(ca.certPem));
    const other = await createCa("other CA", 1);
    assert.equal(issuedBy(issued.certPem, other.certPem), false);
  });

  it("refuses a CSR whose signature does not verify", async () => {
    const csr = createCsr(await testKeys(), "n1");
    const b64 = csr
      .split("\n")
      .filter((l) => !l.startsWith("-----"))
      .join("");
    const der = Buffer.from(b64, "base64");
    der[der.length - 5] = (der[der.length - 5] as number) ^ 0xff; // inside the signature
    const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.throws(() => verifyCsr(forged), /does not verify|malformed/);
  });

  it("K10<sha256>::<secret> round-trips; anything else is a bare token", () => {
    const fp = "ab".repeat(32);
    assert.deepEqual(parseJoinToken(formatJoinToken(fp, "id.secret")), {
      caFingerprint: fp,
      secret: "id.secret",
    });
    assert.deepEqual(parseJoinToken("id.secret"), { caFingerprint: null, secret: "id.secret" });
    assert.deepEqual(parseJoinToken("K10short::x"), { caFingerprint: null, secret: "K10short::x" });
  });
});

function x509Fingerprint(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
}
