import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createCsr, generateKeyPair, releaseForge } from "../../../lib/pki/certificates";
import { verifyCsr } from "../../../lib/pki/csr";

/** A public key PEM as DER, so forge's and Node's PEM line breaks compare equal. */
const der = (pem: string) =>
  crypto.createPublicKey(pem).export({ type: "spki", format: "der" }).toString("hex");

const forgeLoaded = () => Object.keys(require.cache).some((f) => f.includes("/node-forge/"));

describe("lib/pki: node-forge loaded on use, released on request (the agent after a Welcome)", () => {
  it("releaseForge unloads it and the next CSR loads it again and still verifies", async () => {
    const keys = await generateKeyPair();
    const first = createCsr(keys, "c/n1");
    assert.equal(forgeLoaded(), true);
    releaseForge();
    assert.equal(forgeLoaded(), false);
    const second = createCsr(keys, "c/n1");
    assert.equal(forgeLoaded(), true);
    assert.equal(verifyCsr(second).spkiDer.toString("hex"), der(keys.publicKey));
    assert.equal(verifyCsr(first).spkiDer.toString("hex"), der(keys.publicKey));
  });
});
