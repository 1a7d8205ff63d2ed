/**
 * Just enough DER (X.690) reading to take a PKCS#10 certificate request apart without a general
 * ASN.1 library: tag, length and the byte range of one element. Definite lengths only (DER has no
 * other), at most 4 length octets (a CSR is a few KiB).
 */
export interface DerElement {
  /** The identifier octet: 0x30 SEQUENCE, 0x06 OID, 0x03 BIT STRING, 0x02 INTEGER, 0xa0 [0]... */
  tag: number;
  /** Offset of the identifier octet. */
  offset: number;
  /** Offset of the first content octet. */
  start: number;
  /** Offset just past the last content octet. */
  end: number;
}

/** The element at `offset` of `der`, which must be of `tag` and lie within `limit`; throws otherwise. */
export function derElement(der: Buffer, offset: number, tag: number, limit = der.length): DerElement {
  if (offset + 2 > limit) throw new Error("truncated DER");
  const found = der[offset] as number;
  if (found !== tag)
    throw new Error(`DER tag 0x${found.toString(16)} where 0x${tag.toString(16)} was expected`);
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) throw new Error("bad DER length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] as number);
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw new Error("truncated DER");
  return { tag: found, offset, start, end };
}

/** The dotted form of an OBJECT IDENTIFIER's content octets (X.690 §8.19). */
export function oidString(content: Buffer): string {
  if (content.length === 0) throw new Error("empty OID");
  const first = content[0] as number;
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const head = arcs.shift() as number;
  // The first subidentifier packs two arcs: 40 * x + y (x = 2 takes everything from 80 up).
  const x = first >= 0x80 || head >= 80 ? 2 : Math.floor(head / 40);
  return [x, head - 40 * x, ...arcs].join(".");
}

/** One DER element: `tag`, the definite length of `parts` together, then `parts`. */
export function derEncode(tag: number, ...parts: Buffer[]): Buffer {
  const content = Buffer.concat(parts);
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const octets: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
    length = Buffer.from([0x80 | octets.length, ...octets]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
