import crypto from "node:crypto";

/** A random id (UUID v4). */
export const newId = (): string => crypto.randomUUID();

/** A URL-safe random secret of `bytes` bytes of entropy. @default 32 */
export const newSecret = (bytes = 32): string => crypto.randomBytes(bytes).toString("base64url");

/** SHA-256 hex of a high-entropy secret (join tokens, node credentials). Not for passwords. */
export const sha256 = (text: string): string => crypto.createHash("sha256").update(text).digest("hex");

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
