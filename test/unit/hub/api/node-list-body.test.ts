import assert from "node:assert/strict";
import { NodeListBodies } from "../../../../hub/api/native/node-list-body";

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
});
