import assert from "node:assert/strict";
import { memoLast } from "../../../lib/memo-last";

describe("lib/memo-last: the last answer kept", () => {
  it("parses again only when the argument changes (a renewed certificate, a new CA)", () => {
    const seen: string[] = [];
    const parse = memoLast((pem: string) => {
      seen.push(pem);
      return { length: pem.length };
    });
    const first = parse("cert-1");
    assert.equal(parse("cert-1"), first, "the same answer, not a new parse");
    assert.deepEqual(parse("cert-two"), { length: 8 });
    assert.deepEqual(parse("cert-1"), { length: 6 }, "back to the old one: parsed again");
    assert.deepEqual(seen, ["cert-1", "cert-two", "cert-1"]);
  });
});
