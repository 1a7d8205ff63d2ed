import assert from "node:assert/strict";
import { PassThrough, Duplex } from "node:stream";
import * as ws from "../../../lib/websocket";

/** Two Duplexes wired to each other, as a socket pair. */
function socketPair(): [Duplex, Duplex] {
  const ab = new PassThrough();
  const ba = new PassThrough();
  const a = Duplex.from({ readable: ba, writable: ab });
  const b = Duplex.from({ readable: ab, writable: ba });
  return [a, b];
}

// The CLI (client) and the hub (server) share this module: one side of each pair plays each role.
for (const [name, client, server] of [["client <-> server", ws, ws]] as const) {
  describe(`unit: RFC 6455 framing (${name})`, () => {
    it("computes the RFC's example accept key", () => {
      assert.equal(client.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      assert.equal(server.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    });

    it("parses frames of every length class split at any byte, masked and not", () => {
      for (const len of [0, 5, 125, 126, 65535, 65536, 200_000]) {
        for (const mask of [true, false]) {
          const payload = Buffer.alloc(len, len % 251);
          const frame = client.encodeFrame(client.OPCODE.binary, payload, mask);
          const parser = new server.FrameParser();
          const cut = Math.max(1, Math.floor(frame.length / 3));
          const frames = [
            ...parser.push(frame.subarray(0, 1)),
            ...parser.push(frame.subarray(1, cut)),
            ...parser.push(frame.subarray(cut)),
          ];
          assert.equal(frames.length, 1);
          assert.equal(frames[0]?.opcode, 2);
          assert.ok(frames[0]?.payload.equals(payload), `len ${len} mask ${mask}`);
        }
      }
    });

    it("exchanges messages both ways, joins fragments, answers pings and closes with a code", async () => {
      const [a, b] = socketPair();
      const c = new client.WebSocketPeer(a, true);
      const s = new server.WebSocketPeer(b, false);
      const got: string[] = [];
      s.on("message", (d: Buffer, binary: boolean) => {
        got.push(`${binary ? "bin" : "text"}:${d.toString()}`);
        s.send(Buffer.from(`echo ${d.toString()}`));
      });
      const echoed = new Promise<string>((r) => c.on("message", (d: Buffer) => r(d.toString())));
      c.send("hello");
      assert.equal(await echoed, "echo hello");
      a.write(client.encodeFrame(client.OPCODE.text, Buffer.from("frag"), true, false));
      a.write(client.encodeFrame(client.OPCODE.ping, Buffer.from("p"), true));
      a.write(client.encodeFrame(client.OPCODE.continuation, Buffer.from("ment"), true, true));
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(got, ["text:hello", "text:fragment"]);
      const closed = new Promise<[number, string]>((r) =>
        c.on("close", (code: number, reason: string) => r([code, reason])),
      );
      s.close(4001, "bye");
      assert.deepEqual(await closed, [4001, "bye"]);
    });
  });
}
