import assert from "node:assert/strict";
import zlib from "node:zlib";
import {
  CachedBody,
  CachedBodyTags,
  etagOf,
  noneMatchNames,
} from "../../../../hub/api/middleware/cached-body";

describe("api: cached bodies (cached-body.ts)", () => {
  it("gzips once and the gzip inflates to the bytes", () => {
    const body = new CachedBody(Buffer.from(JSON.stringify({ items: Array(1000).fill("x") })), "t");
    assert.equal(body.hasGzip, false);
    const z = body.gzip();
    assert.equal(body.gzip(), z);
    assert.deepEqual(zlib.gunzipSync(z), body.bytes);
  });

  it("tags never repeat, not even across taggers (a restarted hub)", () => {
    const a = new CachedBodyTags();
    const b = new CachedBodyTags();
    const tags = [a.next(), a.next(), b.next(), b.next()];
    assert.equal(new Set(tags).size, 4);
  });

  it("If-None-Match: a list, W/ prefixes and * match; another encoding's tag does not", () => {
    const etag = etagOf("p-1", "identity");
    assert.equal(etag, '"p-1"');
    assert.equal(noneMatchNames("", etag), false);
    assert.equal(noneMatchNames('"p-1"', etag), true);
    assert.equal(noneMatchNames('"x", W/"p-1"', etag), true);
    assert.equal(noneMatchNames(" * ", etag), true);
    assert.equal(noneMatchNames('"p-2"', etag), false);
    assert.equal(noneMatchNames(etagOf("p-1", "gzip"), etag), false);
  });
});
