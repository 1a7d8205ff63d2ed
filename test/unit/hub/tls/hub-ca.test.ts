import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import {
  generateRsaKeyPair,
  issueCertificate,
  issuedBy,
  subjectKeyFromPem,
} from "../../../../lib/pki/certificates";
import { HubCa } from "../../../../hub/tls/hub-ca";

describe("hub/tls/hub-ca: the hub's TLS server identity", function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-hub-ca-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is an ECDSA P-256 key with a CA-signed certificate that a TLS client trusting the CA accepts", async () => {
    const ca = await HubCa.open(dir);
    const identity = await ca.serverIdentity(["localhost", "127.0.0.1"]);
    const key = crypto.createPrivateKey(identity.keyPem);
    assert.equal(key.asymmetricKeyType, "ec");
    assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.ok(issuedBy(identity.certPem, ca.certPem));
    const x = new crypto.X509Certificate(identity.certPem);
    assert.equal(x.publicKey.asymmetricKeyType, "ec");
    assert.match(x.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
    assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.1"], "extended key usage: TLS server only");

    const { protocol, cipher } = await handshake(identity.keyPem, identity.chainPem, ca.certPem);
    assert.equal(protocol, "TLSv1.3");
    assert.ok(cipher.length > 0);
    // The same identity is served again on the next start while fresh, names and key unchanged.
    const again = await (await HubCa.open(dir)).serverIdentity(["127.0.0.1", "localhost"]);
    assert.equal(again.certPem, identity.certPem);
  });

  it("reissues a server identity whose key is RSA (a hub from before) as ECDSA, under the same CA", async () => {
    const ca = await HubCa.open(dir);
    const rsa = await generateRsaKeyPair();
    const old = issueCertificate(
      { certPem: ca.certPem, keyPem: fs.readFileSync(path.join(dir, "tls", "ca.key"), "utf8") },
      {
        commonName: "corral-hub",
        subjectKey: subjectKeyFromPem(rsa.publicKey),
        usage: "server",
        sans: ["127.0.0.1"],
        validForMs: 365 * 86_400_000,
      },
    );
    assert.equal(new crypto.X509Certificate(old.certPem).publicKey.asymmetricKeyType, "rsa");
    fs.writeFileSync(path.join(dir, "tls", "server.key"), rsa.privateKey);
    fs.writeFileSync(path.join(dir, "tls", "server.crt"), old.certPem);
    fs.writeFileSync(path.join(dir, "tls", "server.names"), "127.0.0.1");

    const identity = await ca.serverIdentity(["127.0.0.1"]);
    assert.notEqual(identity.certPem, old.certPem);
    assert.equal(crypto.createPrivateKey(identity.keyPem).asymmetricKeyType, "ec");
    assert.equal(fs.readFileSync(path.join(dir, "tls", "server.key"), "utf8"), identity.keyPem);
    assert.ok(issuedBy(identity.certPem, ca.certPem));
  });
});

/** One TLS handshake over loopback against a server with `keyPem` / `chainPem`, verifying against `caPem`. */
async function handshake(
  keyPem: string,
  chainPem: string,
  caPem: string,
): Promise<{ protocol: string; cipher: string }> {
  const server = tls.createServer({ key: keyPem, cert: chainPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: caPem, servername: "localhost" }, () => {
        resolve({ protocol: socket.getProtocol() ?? "", cipher: socket.getCipher().name });
        socket.end();
      });
      socket.on("error", reject);
    });
  } finally {
    server.close();
  }
}
