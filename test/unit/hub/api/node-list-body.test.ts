import assert from "node:assert/strict";
import zlib from "node:zlib";
import { NodeListBodies } from "../../../../hub/api/native/node-list-body";
import type { PartedBody } from "../../../../hub/api/middleware/gzip-parts";

const text = (id: string, tag = `${id}-1`) => ({ json: JSON.stringify({ id }), tag });

describe("api: node list bodies (node-list-body.ts)", () => {
  it("keeps the body while the same texts come in the same order, with the same token", () => {
    const bodies = new NodeListBodies();
    const a = bodies.body("k", [text("a"), text("b")], null);
    assert.equal(a.bytes.toString(), '{"items":[{"id":"a"},{"id":"b"}]}');
    assert.equal(bodies.body("k", [text("a"), text("b")], null), a);
  });

  it("makes a new body (and tag) for a changed text, a new node, a removed one, a new order or token", () => {
    const bodies = new NodeListBodies();
    const base = bodies.body("k", [text("a"), text("b")], null);
    const seen = new Set([base.tag]);
    for (const [items, token] of [
      [[text("a", "a-2"), text("b")], null],
      [[text("a", "a-2"), text("b"), text("c")], null],
      [[text("a", "a-2"), text("c")], null],
      [[text("c"), text("a", "a-2")], null],
      [[text("c"), text("a", "a-2")], "tok"],
    ] as const) {
      const body = bodies.body("k", items, token);
      assert.ok(!seen.has(body.tag), "a new version has a new tag");
      seen.add(body.tag);
      const want = `{"items":[${items.map((i) => i.json).join(",")}]${token ? `,"continue":"${token}"` : ""}}`;
      assert.equal(body.bytes.toString(), want);
    }
  });

  it("keeps at most maxEntries filters, the least recently used out first", () => {
    const bodies = new NodeListBodies(2);
    const a = bodies.body("a", [text("x")], null);
    bodies.body("b", [text("x")], null);
    assert.equal(bodies.body("a", [text("x")], null), a); // a is now the most recent
    bodies.body("c", [text("x")], null); // b goes
    assert.equal(bodies.size, 2);
    assert.equal(bodies.body("a", [text("x")], null), a);
    assert.notEqual(bodies.body("b", [text("x")], null).tag, a.tag);
    assert.equal(bodies.size, 2);
  });

  it("gzips each version to exactly its bytes, and a changed text recompresses two parts, not the list", () => {
    const bodies = new NodeListBodies();
    const big = (id: string, tag = `${id}-1`) => ({
      json: JSON.stringify({
        id,
        gpus: Array.from({ length: 8 }, (_, g) => ({ uuid: `${id}-${g}`, memoryMiB: 81920 })),
      }),
      tag,
    });
    let items = Array.from({ length: 40 }, (_, i) => big(`n${i}`));
    const deflations = (b: PartedBody) => b.parts.reduce((n, p) => n + p.deflations, 0);
    const first = bodies.body("k", items, null);
    assert.deepEqual(zlib.gunzipSync(first.gzip()), first.bytes);
    const made = deflations(first);
    assert.ok(made >= 10, `every part compressed once at first: ${made}`);
    for (const [what, next, token] of [
      [
        "a text in the middle changed",
        (l: typeof items) => l.map((t, i) => (i === 17 ? big("n17", "n17-2") : t)),
        null,
      ],
      [
        "the first text changed",
        (l: typeof items) => l.map((t, i) => (i === 0 ? big("n0", "n0-2") : t)),
        null,
      ],
      [
        "the last text changed",
        (l: typeof items) => l.map((t, i) => (i === 39 ? big("n39", "n39-2") : t)),
        null,
      ],
      [
        "a node joined in the middle",
        (l: typeof items) => [...l.slice(0, 5), big("new"), ...l.slice(5)],
        null,
      ],
      ["a node removed", (l: typeof items) => l.filter((t) => t.json !== big("n30").json), null],
      ["a continue token", (l: typeof items) => l, "tok"],
    ] as const) {
      const before = bodies.body("k", items, null);
      const was = deflations(before);
      items = next(items);
      const body = bodies.body("k", items, token);
      assert.notEqual(body, before, what);
      const text = `{"items":[${items.map((i) => i.json).join(",")}]${token ? `,"continue":"${token}"` : ""}}`;
      assert.equal(body.bytes.toString(), text, what);
      assert.deepEqual(zlib.gunzipSync(body.gzip()), body.bytes, what);
      if (what.endsWith("changed"))
        assert.ok(deflations(body) - was <= 3, `${what}: ${deflations(body) - was} parts compressed again`);
    }
  });

  it("current(): the body made at the same stamp, nothing at another stamp or for another key", () => {
    const bodies = new NodeListBodies();
    assert.equal(bodies.current("k", "1 1"), undefined);
    const a = bodies.body("k", [text("a")], null, "1 1");
    assert.equal(bodies.current("k", "1 1"), a);
    assert.equal(bodies.current("k", "2 1"), undefined, "a node changed");
    assert.equal(bodies.current("other", "1 1"), undefined);
    // Same texts at a new stamp (the change was elsewhere): the same body, now at that stamp.
    assert.equal(bodies.body("k", [text("a")], null, "2 1"), a);
    assert.equal(bodies.current("k", "2 1"), a);
    assert.equal(bodies.current("k", "1 1"), undefined);
  });
});
