import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";

/** dist/ of the module under test (this file runs from dist/test/unit/lib). */
const dist = path.resolve(__dirname, "../../..");

describe("lib/pki: an agent's key and certificate request never load node-forge", function () {
  this.timeout(30_000);

  it("generateKeyPair + createCsr + certificateFacts in a fresh process leave forge unloaded", () => {
    // A fresh process: this one has forge loaded by the hub-side tests.
    const script = `
      const c = require(${JSON.stringify(path.join(dist, "lib/pki/certificates.js"))});
      const r = require(${JSON.stringify(path.join(dist, "lib/pki/csr.js"))});
      c.generateKeyPair().then((keys) => {
        const key = r.verifyCsr(r.createCsr(keys, "c/n1"));
        const forge = Object.keys(require.cache).some((f) => f.includes("/node-forge/"));
        process.stdout.write(JSON.stringify({ type: key.type, forge }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as {
      type: string;
      forge: boolean;
    };
    assert.deepEqual(out, { type: "ec", forge: false });
  });
});
