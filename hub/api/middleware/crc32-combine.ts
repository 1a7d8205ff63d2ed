/**
 * The CRC-32 (gzip's, as zlib.crc32) of two byte strings one after the other, from the CRC of
 * each and the second's length: what zlib's crc32_combine() does, which Node does not export. A
 * gzip made of parts compressed apart (gzip-parts.ts) needs the CRC of the whole body without
 * reading the whole body again. Arithmetic over GF(2) polynomials modulo the CRC polynomial, as in
 * zlib 1.2.12+ crc32.c (multmodp, x2nmodp): the CRC of A then B is crc(A) * x^(8 * len(B)) + crc(B).
 */

/** The CRC-32 polynomial, bit-reversed (x^0 in the top bit). */
const POLY = 0xedb88320;

/** a * b modulo POLY (bit-reversed polynomials, as 32-bit unsigned numbers). */
function multModP(a: number, b: number): number {
  if (a === 0) return 0; // the loop below ends at a's lowest set bit
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) modulo POLY for n = 0..31: x2n[n] squared is x2n[n + 1]. */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  for (let n = 0; n < 32; n++) {
    table.push(p);
    p = multModP(p, p);
  }
  return table;
})();

/** x^(8 * bytes) modulo POLY: what a CRC is multiplied by to move it `bytes` further on. */
function shiftOf(bytes: number): number {
  let p = 0x80000000; // x^0
  let k = 3; // 8 * bytes = bytes * 2^3
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++)
    if (n % 2 === 1) p = multModP(X2N[k % 32] as number, p);
  return p;
}

/** Shifts per length, kept (node texts repeat a handful of lengths); cleared when it grows past this. */
const SHIFT_CACHE_LIMIT = 4096;
const shifts = new Map<number, number>();

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  let shift = shifts.get(lengthB);
  if (shift === undefined) {
    if (shifts.size >= SHIFT_CACHE_LIMIT) shifts.clear();
    shift = shiftOf(lengthB);
    shifts.set(lengthB, shift);
  }
  return (multModP(shift, crcA) ^ crcB) >>> 0;
}
