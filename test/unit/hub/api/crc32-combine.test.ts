import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { crc32Combine } from "../../../../hub/api/middleware/crc32-combine";

describe("api: CRC-32 of two byte strings from theirs (crc32-combine.ts)", () => {
  it("is zlib.crc32 of the two together, empty and long ones included", () => {
    for (const [a, b] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [5, 7],
      [2_500, 2_431],
      [3, 1 << 20],
      [70_000, 1_000_003],
    ] as const) {
      const [x, y] = [randomBytes(a), randomBytes(b)];
      assert.equal(
        crc32Combine(zlib.crc32(x), zlib.crc32(y), b),
        zlib.crc32(Buffer.concat([x, y])),
        `${a} + ${b}`,
      );
    }
  });

  it("chains over many parts as one CRC of the whole", () => {
    const parts = Array.from({ length: 300 }, (_, i) =>
      randomBytes(i % 7 === 0 ? 0 : 100 + ((i * 37) % 900)),
    );
    const crc = parts.reduce((c, p) => crc32Combine(c, zlib.crc32(p), p.length), 0);
    assert.equal(crc, zlib.crc32(Buffer.concat(parts)));
  });
});
