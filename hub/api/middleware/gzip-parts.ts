import zlib from "node:zlib";
import type { CachedAnswer } from "./cached-body";
import { crc32Combine } from "./crc32-combine";

/**
 * One piece of a body made of pieces (a few node texts of the node list): its bytes, and, made
 * when a gzip first needs it, its raw deflate as the piece that follows a given one. A part never
 * changes; a new content is a new part with a new key.
 *
 * Compressed apart, each part would lose what makes JSON lists small (a node's text repeats the
 * one before it: ~25:1 for the whole 1k-node list, ~3:1 for a node alone). So a part is deflated
 * with the part before it as zlib's preset dictionary: back references reach into what the
 * decompressor has just written, exactly those bytes. The deflate ends with Z_SYNC_FLUSH
 * (byte-aligned, not final), so the parts concatenate into one deflate stream. A change of one
 * part recompresses it and the part after it (whose dictionary it is), nothing else.
 */
export class BodyPart {
  private deflated: Buffer | undefined;
  /** Key of the part `deflated` was made to follow ("" for none). */
  private deflatedAfter = "";
  private crcOfBytes: number | undefined;
  /** How many times this part was compressed (for tests of what a change recompresses). */
  deflations = 0;

  constructor(
    /** Unique to this content among the parts it is listed with (a new content, a new key). */
    readonly key: string,
    readonly bytes: Buffer,
  ) {}

  /** CRC-32 of `bytes` (as zlib.crc32), computed once. */
  get crc(): number {
    this.crcOfBytes ??= zlib.crc32(this.bytes);
    return this.crcOfBytes;
  }

  /** The raw deflate of `bytes` as the part that follows `previous` (null: the first part). */
  deflateAfter(previous: BodyPart | null): Buffer {
    const after = previous?.key ?? "";
    if (this.deflated === undefined || this.deflatedAfter !== after) {
      this.deflated = zlib.deflateRawSync(this.bytes, {
        level: PART_LEVEL,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        ...(previous && previous.bytes.length > 0 ? { dictionary: previous.bytes } : {}),
      });
      this.deflatedAfter = after;
      this.deflations++;
    }
    return this.deflated;
  }
}

/**
 * zlib level for parts: 6 (zlib's default). The 1k-node list (2.4 MiB) in parts of 4 nodes, each
 * after the one before, is 87 KiB at level 6 and 111 KiB at level 1 (one gzip of it all: 79 KiB
 * at 6, 105 KiB at 1), ~0.08 ms a part at either level: a part is compressed once per content,
 * so the smaller answer is worth it.
 */
const PART_LEVEL = 6;

/** gzip member header (RFC 1952): magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
/** An empty final block with fixed codes: BFINAL=1, BTYPE=01, end-of-block (RFC 1951 §3.2.6). */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** One gzip member whose inflated bytes are the parts' bytes in order (each deflated after the one before). */
export function gzipOfParts(parts: readonly BodyPart[]): Buffer {
  const chunks: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let length = 0;
  let previous: BodyPart | null = null;
  for (const part of parts) {
    chunks.push(part.deflateAfter(previous));
    crc = crc32Combine(crc, part.crc, part.bytes.length);
    length += part.bytes.length;
    previous = part;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4); // ISIZE: the length modulo 2^32
  chunks.push(FINAL_BLOCK, trailer);
  return Buffer.concat(chunks);
}

/**
 * A CachedAnswer made of parts: its identity bytes are joined, and its gzip assembled from the
 * parts' kept deflates, each at most once and only when first asked for. Parts shared with an
 * earlier body (the nodes that did not change) are not compressed again.
 */
export class PartedBody implements CachedAnswer {
  readonly length: number;
  private joined: Buffer | undefined;
  private gzipped: Buffer | undefined;

  constructor(
    readonly tag: string,
    /** In order (read by tests of what a change recompresses). */
    readonly parts: readonly BodyPart[],
  ) {
    this.length = parts.reduce((n, p) => n + p.bytes.length, 0);
  }

  get bytes(): Buffer {
    this.joined ??= Buffer.concat(
      this.parts.map((p) => p.bytes),
      this.length,
    );
    return this.joined;
  }

  gzip(): Buffer {
    this.gzipped ??= gzipOfParts(this.parts);
    return this.gzipped;
  }

  get hasGzip(): boolean {
    return this.gzipped !== undefined;
  }
}
