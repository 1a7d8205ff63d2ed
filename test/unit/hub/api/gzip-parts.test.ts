import assert from "node:assert/strict";
import zlib from "node:zlib";
import { BodyPart, gzipOfParts, PartedBody } from "../../../../hub/api/middleware/gzip-parts";

/** A node-like JSON text of ~1-2 KiB that repeats what the one before it says, as node texts do. */
const text = (i: number) =>
  JSON.stringify({
    name: `node-${String(i).padStart(5, "0")}`,
    address: `10.0.${i >> 8}.${i & 255}`,
    labels: [`zone=z${i % 4}`, "gpu"],
    gpus: Array.from({ length: 4 + (i % 5) }, (_, g) => ({
      uuid: `GPU-${i.toString(16).padStart(8, "0")}-0000-${g}`,
      name: "NVIDIA Simulated 80GB",
      memoryMiB: 81920,
      pciBusId: `00000000:0${g}:00.0`,
      utilizationPercent: (i * 7 + g) % 101,
    })),
  });
const part = (key: string, body: string) => new BodyPart(key, Buffer.from(body));

describe("api: a gzip made of parts compressed apart (gzip-parts.ts)", () => {
  it("inflates to exactly the parts' bytes in order, empty parts and one part included", () => {
    for (const parts of [
      [part("a", "x")],
      [part("a", ""), part("b", "")],
      Array.from({ length: 200 }, (_, i) => part(`p${i}`, i % 17 === 0 ? "" : text(i))),
      [part("big", text(1).repeat(20_000)), part("small", "]}")],
    ]) {
      const gz = gzipOfParts(parts);
      assert.deepEqual(zlib.gunzipSync(gz), Buffer.concat(parts.map((p) => p.bytes)));
      // Other inflaters read it too: a streaming one, and one that checks the trailer strictly.
      assert.deepEqual(
        zlib.gunzipSync(gz, { finishFlush: zlib.constants.Z_SYNC_FLUSH }),
        zlib.gunzipSync(gz),
      );
    }
  });

  it("compresses parts after the one before them: about as small as one gzip of the whole", () => {
    // Four texts a part, as the node list makes them.
    const four = (i: number) => [0, 1, 2, 3].map((k) => text(4 * i + k)).join(",");
    const parts = Array.from({ length: 100 }, (_, i) => part(`p${i}`, four(i)));
    const whole = zlib.gzipSync(Buffer.concat(parts.map((p) => p.bytes)));
    const alone = parts.reduce((n, p) => n + zlib.deflateRawSync(p.bytes).length, 0);
    const parted = gzipOfParts(parts).length;
    assert.ok(parted < whole.length * 1.5, `${parted} bytes against ${whole.length} for the whole`);
    assert.ok(parted < alone * 0.7, `${parted} bytes against ${alone} compressed alone`);
  });

  it("a changed part recompresses itself and the part after it, nothing else", () => {
    const parts = Array.from({ length: 10 }, (_, i) => part(`p${i}`, text(i)));
    gzipOfParts(parts);
    assert.deepEqual(
      parts.map((p) => p.deflations),
      parts.map(() => 1),
    );
    const changed = [...parts];
    changed[4] = part("p4-v2", text(40));
    const gz = gzipOfParts(changed);
    assert.deepEqual(zlib.gunzipSync(gz), Buffer.concat(changed.map((p) => p.bytes)));
    assert.deepEqual(
      changed.map((p) => p.deflations),
      [1, 1, 1, 1, 1, 2, 1, 1, 1, 1],
    );
  });

  it("PartedBody: identity bytes and gzip made once each, on first use", () => {
    const parts = Array.from({ length: 20 }, (_, i) => part(`p${i}`, text(i)));
    const body = new PartedBody("t", parts);
    assert.equal(body.length, Buffer.concat(parts.map((p) => p.bytes)).length);
    assert.equal(body.hasGzip, false);
    assert.equal(body.bytes, body.bytes);
    const gz = body.gzip();
    assert.equal(body.gzip(), gz);
    assert.deepEqual(zlib.gunzipSync(gz), body.bytes);
  });
});
