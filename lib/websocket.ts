// Minimal RFC 6455 WebSocket framing and handshakes over any byte Duplex: enough for the hub's
// exec and port-forward channels (binary and text messages, fragmentation, ping/pong, close).
// No extensions, no subprotocol negotiation. It lives in lib/ (code every process may use and
// that imports nothing of ours) because both the hub and the CLI speak it, and the CLI imports
// nothing from the hub.
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Largest message accepted. @default 64 MiB */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return crypto
    .createHash("sha1")
    .update(key + GUID)
    .digest("base64");
}

/** A new random Sec-WebSocket-Key. */
export function newKey(): string {
  return crypto.randomBytes(16).toString("base64");
}

/** One frame; clients mask (`mask` true), servers do not (RFC 6455 §5.3). */
export function encodeFrame(opcode: number, payload: Buffer, mask: boolean, fin = true): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | opcode;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = crypto.randomBytes(4);
  key.copy(head, 2 + ext);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([head, body]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Incremental frame parser: feed bytes, get whole frames (unmasked). Throws on a protocol error. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length < 2) break;
      const masked = ((b[1] as number) & 0x80) !== 0;
      let len = (b[1] as number) & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE_BYTES)) throw new Error("websocket frame too large");
        len = Number(big);
        off = 10;
      }
      const need = off + (masked ? 4 : 0) + len;
      if (b.length < need) break;
      const payload = Buffer.from(b.subarray(need - len, need));
      if (masked) {
        const key = b.subarray(off, off + 4);
        for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (key[i & 3] as number);
      }
      frames.push({ fin: ((b[0] as number) & 0x80) !== 0, opcode: (b[0] as number) & 0x0f, payload });
      this.buf = b.subarray(need);
    }
    return frames;
  }
}

/**
 * One open WebSocket over `socket` (after the handshake). Emits "message" (data: Buffer,
 * binary: boolean) and "close" (code, reason) once. send() returns the socket's write result, so
 * callers apply backpressure with pause()/resume() and the "drain" event.
 */
export class WebSocketPeer extends EventEmitter {
  private readonly parser = new FrameParser();
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closed = false;
  private closeSent = false;

  constructor(
    readonly socket: Duplex,
    private readonly isClient: boolean,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.on("data", (d: Buffer) => this.receive(d));
    socket.on("drain", () => this.emit("drain"));
    socket.on("close", () => this.finish(1006, "connection lost"));
    socket.on("error", () => this.finish(1006, "connection lost"));
    // Bytes that came with the handshake (often the whole exchange of a short exec) are read on
    // the next turn, so a caller awaiting this peer attaches its listeners first.
    if (head.length > 0) setImmediate(() => this.receive(head));
  }

  send(data: Buffer | string, cb?: () => void): boolean {
    if (this.closeSent || this.socket.destroyed) return true;
    const binary = typeof data !== "string";
    const payload = binary ? data : Buffer.from(data, "utf8");
    return this.socket.write(encodeFrame(binary ? OPCODE.binary : OPCODE.text, payload, this.isClient), cb);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Sends a close frame and ends the socket. @default code 1000 */
  close(code = 1000, reason = ""): void {
    if (!this.closeSent && !this.socket.destroyed) {
      this.closeSent = true;
      const r = Buffer.from(reason.slice(0, 120));
      const p = Buffer.alloc(2 + r.length);
      p.writeUInt16BE(code, 0);
      r.copy(p, 2);
      this.socket.end(encodeFrame(OPCODE.close, p, this.isClient));
    }
    this.finish(code, reason);
  }

  private receive(d: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(d);
    } catch (err) {
      return this.close(1009, (err as Error).message);
    }
    for (const f of frames) {
      if (f.opcode === OPCODE.ping) {
        this.socket.write(encodeFrame(OPCODE.pong, f.payload, this.isClient));
      } else if (f.opcode === OPCODE.close) {
        const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        return this.close(code, f.payload.subarray(2).toString("utf8"));
      } else if (f.opcode === OPCODE.pong) {
        continue;
      } else {
        if (f.opcode !== OPCODE.continuation) this.fragmentOpcode = f.opcode;
        this.fragments.push(f.payload);
        if (!f.fin) continue;
        const data = Buffer.concat(this.fragments);
        this.fragments = [];
        this.emit("message", data, this.fragmentOpcode === OPCODE.binary);
      }
    }
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit("close", code, reason);
    if (this.closeSent) setTimeout(() => this.socket.destroy(), 1_000).unref();
    else this.socket.destroy();
  }
}
