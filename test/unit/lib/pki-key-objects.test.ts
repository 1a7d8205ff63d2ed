import assert from "node:assert/strict";
import crypto from "node:crypto";
import { publicKeyFromSpki } from "../../../lib/pki/key-objects";

const spkiOf = (key: crypto.KeyObject) => key.export({ type: "spki", format: "der" });

describe("lib/pki/key-objects: public keys from SubjectPublicKeyInfo", () => {
  it("imports a P-256 key from its coordinates as the same key the DER decoder reads", () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const key = publicKeyFromSpki(spkiOf(publicKey));
    assert.equal(key.asymmetricKeyType, "ec");
    assert.deepEqual(spkiOf(key), spkiOf(publicKey));
    const data = Buffer.from("certification request info");
    assert.ok(crypto.verify("sha256", data, key, crypto.sign("sha256", data, privateKey)));
  });

  it("refuses a P-256 point that is not on the curve, as the DER decoder does", () => {
    const spki = Buffer.from(spkiOf(crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey));
    spki[spki.length - 1] = (spki[spki.length - 1] as number) ^ 0x01; // y + 1: off the curve
    assert.throws(() => crypto.createPublicKey({ key: spki, format: "der", type: "spki" }));
    assert.throws(() => publicKeyFromSpki(spki));
  });

  it("reads other keys (P-384, compressed P-256, RSA) through the DER decoder", () => {
    const p384 = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey;
    assert.deepEqual(spkiOf(publicKeyFromSpki(spkiOf(p384))), spkiOf(p384));
    const p256 = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const ecdh = crypto.ECDH.convertKey(
      spkiOf(p256).subarray(-65),
      "prime256v1",
      undefined,
      undefined,
      "compressed",
    ) as Buffer;
    const compressedSpki = Buffer.concat([
      Buffer.from("3039301306072a8648ce3d020106082a8648ce3d030107032200", "hex"),
      ecdh,
    ]);
    // The same point, written compressed.
    assert.deepEqual(
      publicKeyFromSpki(compressedSpki).export({ format: "jwk" }),
      p256.export({ format: "jwk" }),
    );
    const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    assert.equal(publicKeyFromSpki(spkiOf(rsa)).asymmetricKeyType, "rsa");
    assert.throws(() => publicKeyFromSpki(Buffer.from("300500", "hex")));
  });
});
