import assert from "node:assert/strict";
import { TunnelFrame } from "../../../proto/gen/corral/v1/agent_link";
import { encodeDataFrames, MAX_FRAME_PAYLOAD, tunnelFrameCodec } from "../../../lib/tunnel-frames";

const codec = tunnelFrameCodec(TunnelFrame);
const generated = (f: TunnelFrame) => Buffer.from(TunnelFrame.encode(f).finish());

describe("lib/tunnel-frames: the Tunnel method's fast codec", () => {
  it("encodes data and stderr frames byte for byte as the generated code does", () => {
    for (const size of [0, 1, 127, 128, 16_383, 16_384, 300_000]) {
      const value = Buffer.alloc(size, size % 251);
      for (const frame of [
        { body: { $case: "data" as const, value } },
        { body: { $case: "stderr" as const, value } },
      ]) {
        assert.deepEqual(codec.serialize(frame), generated(frame), `${frame.body.$case} of ${size} bytes`);
        const [encoded] = encodeDataFrames([value], frame.body.$case === "stderr");
        assert.deepEqual(encoded, generated(frame));
      }
    }
  });

  it("merges queued chunks into one frame and splits what exceeds MAX_FRAME_PAYLOAD", () => {
    const a = Buffer.alloc(1000, 1);
    const b = Buffer.alloc(2000, 2);
    const [merged, ...none] = encodeDataFrames([a, b]);
    assert.equal(none.length, 0);
    assert.deepEqual(codec.deserialize(merged!), { body: { $case: "data", value: Buffer.concat([a, b]) } });

    const big = Buffer.alloc(2 * MAX_FRAME_PAYLOAD + 10, 9);
    const frames = encodeDataFrames([a, big]);
    assert.equal(frames.length, 3);
    const payloads = frames.map((f) => {
      const d = codec.deserialize(f);
      assert.equal(d.body?.$case, "data");
      return d.body.value as Buffer;
    });
    assert.deepEqual(
      payloads.map((p) => p.length),
      [MAX_FRAME_PAYLOAD, MAX_FRAME_PAYLOAD, 1010],
    );
    assert.deepEqual(Buffer.concat(payloads), Buffer.concat([a, big]));
    assert.equal(encodeDataFrames([]).length, 1, "an empty write is one empty data frame");
  });

  it("decodes data without copying, and every other frame as the generated code does", () => {
    const wire = generated({ body: { $case: "data", value: Buffer.from("hello") } });
    const decoded = codec.deserialize(wire);
    assert.equal(decoded.body?.$case, "data");
    const value = decoded.body.value as Buffer;
    assert.equal(value.toString(), "hello");
    assert.equal(value.buffer, wire.buffer, "a view of the received message");

    const others: TunnelFrame[] = [
      { body: { $case: "attach", value: { tunnelId: "t-1", error: "" } } },
      { body: { $case: "resize", value: { cols: 80, rows: 24 } } },
      { body: { $case: "end", value: {} } },
      { body: { $case: "exit", value: { code: 3 } } },
      { body: undefined },
    ];
    for (const f of others) {
      assert.deepEqual(codec.serialize(f), generated(f));
      assert.deepEqual(codec.deserialize(generated(f)), TunnelFrame.decode(generated(f)));
    }
    // Two fields (last one wins in protobuf): not the fast path's shape, so the generated decoder reads it.
    const two = Buffer.concat([
      generated({ body: { $case: "data", value: Buffer.from("a") } }),
      generated({ body: { $case: "exit", value: { code: 1 } } }),
    ]);
    assert.deepEqual(codec.deserialize(two), TunnelFrame.decode(two));
  });
});
