/**
 * Fast path for AgentLink.Tunnel's messages. The wire format is TunnelFrame's protobuf encoding,
 * unchanged (any protobuf peer reads it); only how this process builds and reads the bytes of the
 * hot message, `data` (and exec's `stderr`), differs from the generated code:
 *   - encode writes tag, length and the payload once into an exact-size buffer (the generated
 *     BinaryWriter grows by doubling and copies the payload 3-4 times), and several chunks queued
 *     behind a write go into one message without concatenating them first;
 *   - decode returns a view of the received message (no copy) when the message is exactly one
 *     data or stderr field, which is what both ends send.
 * Every other frame goes through the generated TunnelFrame code.
 */

/** Protobuf tag of TunnelFrame.data: field 2, wire type 2 (length-delimited). */
const DATA_TAG = 0x12;
/** Protobuf tag of TunnelFrame.stderr: field 3, wire type 2. */
const STDERR_TAG = 0x1a;

/**
 * Largest payload one data frame carries. Chunks queued behind a write are merged up to this
 * size (fewer, larger gRPC messages: grpc-js costs about the same per message whatever its size),
 * and larger writes are split, so no message nears grpc-js's 4 MiB receive limit. @default 1 MiB
 */
export const MAX_FRAME_PAYLOAD = 1024 * 1024;

/** A TunnelFrame already in its wire form; the tunnel method's serializer sends it as it is. */
export type EncodedTunnelFrame = Buffer & { readonly encodedTunnelFrame: true };

/** What a tunnel end writes to its call: a frame (F: the generated TunnelFrame) or an encoded one. */
export type OutgoingFrame<F> = F | EncodedTunnelFrame;

/**
 * The part of the generated TunnelFrame type and codec this module needs: lib/ imports no proto/
 * (hub/agents and agent/link pass the generated TunnelFrame in).
 */
export interface FrameShape {
  body?: { $case: string; value: unknown } | undefined;
}
export interface GeneratedFrameCodec<F> {
  encode(frame: F): { finish(): Uint8Array };
  decode(bytes: Uint8Array): F;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    buf[offset++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[offset++] = n;
  return offset;
}

/** One frame of `tag` whose payload is `parts` back to back (copied once, into the frame). */
function encodeBytesFrame(tag: number, parts: readonly Uint8Array[], total: number): EncodedTunnelFrame {
  const out = Buffer.allocUnsafe(1 + varintLength(total) + total);
  out[0] = tag;
  let at = writeVarint(out, 1, total);
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out as EncodedTunnelFrame;
}

/**
 * `chunks` as data frames (stderr frames with `stderr`) of at most MAX_FRAME_PAYLOAD bytes each:
 * usually one frame; a chunk larger than that is split.
 */
export function encodeDataFrames(chunks: readonly Uint8Array[], stderr = false): EncodedTunnelFrame[] {
  const tag = stderr ? STDERR_TAG : DATA_TAG;
  const frames: EncodedTunnelFrame[] = [];
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    frames.push(encodeBytesFrame(tag, parts, size));
    parts = [];
    size = 0;
  };
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(chunk.length - at, MAX_FRAME_PAYLOAD - size);
      parts.push(take === chunk.length ? chunk : chunk.subarray(at, at + take));
      size += take;
      at += take;
      if (size === MAX_FRAME_PAYLOAD) flush();
    }
  }
  if (size > 0 || frames.length === 0) flush();
  return frames;
}

/** The write side of a Tunnel call (grpc-js client or server duplex stream). */
export interface FrameSink {
  write(frame: EncodedTunnelFrame, cb?: (err?: Error | null) => void): unknown;
}

/**
 * Writes `chunks` to `call` as data frames; `cb` runs once the last one is handed to HTTP/2 (its
 * window had room), which is the tunnel's backpressure. Both ends' _write/_writev use it.
 */
export function writeDataFrames(
  call: FrameSink,
  chunks: readonly Uint8Array[],
  cb: (err?: Error | null) => void,
): void {
  const frames = encodeDataFrames(chunks);
  const last = frames.length - 1;
  frames.forEach((f, i) => (i === last ? call.write(f, cb) : call.write(f)));
}

/**
 * The Tunnel method's serializer and deserializer over the generated TunnelFrame codec:
 * pre-encoded frames go out as they are, data and stderr frames through the fast path.
 */
export function tunnelFrameCodec<F extends FrameShape>(
  generated: GeneratedFrameCodec<F>,
): { serialize(value: OutgoingFrame<F>): Buffer; deserialize(buf: Buffer): F } {
  return {
    serialize(value: OutgoingFrame<F>): Buffer {
      if (Buffer.isBuffer(value)) return value;
      const body = (value as F).body;
      if (body?.$case === "data" || body?.$case === "stderr") {
        const bytes = body.value as Uint8Array;
        return encodeBytesFrame(body.$case === "data" ? DATA_TAG : STDERR_TAG, [bytes], bytes.length);
      }
      return Buffer.from(generated.encode(value as F).finish());
    },
    deserialize(buf: Buffer): F {
      const value = bytesFieldOf(buf);
      // Reason for the cast: F is the generated TunnelFrame, whose data / stderr case is this shape.
      if (value) return { body: { $case: buf[0] === DATA_TAG ? "data" : "stderr", value } } as F;
      return generated.decode(buf);
    },
  };
}

/**
 * The payload of a message that is exactly one data or stderr field, as a view of `buf` (grpc-js
 * hands each message its own buffer, never reused); null for any other message.
 */
function bytesFieldOf(buf: Buffer): Buffer | null {
  if (buf[0] !== DATA_TAG && buf[0] !== STDERR_TAG) return null;
  // The payload length: a varint of at most 5 bytes after the tag.
  let len = 0;
  let scale = 1;
  let at = 1;
  let b = 0x80;
  while (b >= 0x80 && at < buf.length && at <= 5) {
    b = buf[at++] as number;
    len += (b & 0x7f) * scale;
    scale *= 128;
  }
  return b < 0x80 && at + len === buf.length ? buf.subarray(at) : null;
}

/**
 * Bytes a tunnel end buffers in each direction before it pushes back (its Duplex high-water
 * marks): a writer keeps going while a frame is in flight, so the next frame is already merged.
 * With the HTTP/2 stream window (4 MiB) this bounds what one tunnel holds. @default 1 MiB
 */
export const TUNNEL_BUFFER_BYTES = MAX_FRAME_PAYLOAD;

/** `bytes` as a Buffer without copying (protobuf decoders may hand out plain Uint8Arrays). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
