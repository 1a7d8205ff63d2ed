/**
 * Join tokens that carry the hub's CA fingerprint, k3s style: `K10<sha256 of the CA DER, hex>::<secret>`.
 * The agent verifies the hub's CA against the fingerprint before it sends the secret; a bare token
 * (no prefix) makes the agent trust the CA it meets first and pin it (trust on first use).
 */
const PREFIX = "K10";
const SEPARATOR = "::";
const FINGERPRINT = /^[0-9a-f]{64}$/;

export interface ParsedJoinToken {
  /** The CA fingerprint, lowercase hex; null for a bare token. */
  caFingerprint: string | null;
  /** What the hub checks (the token without its CA prefix). */
  secret: string;
}

export function formatJoinToken(caFingerprint: string, secret: string): string {
  return `${PREFIX}${caFingerprint}${SEPARATOR}${secret}`;
}

/** Splits a token into its CA fingerprint and secret; a token without the K10 prefix is bare. */
export function parseJoinToken(token: string): ParsedJoinToken {
  const at = token.indexOf(SEPARATOR);
  if (token.startsWith(PREFIX) && at > 0) {
    const fp = token.slice(PREFIX.length, at).toLowerCase();
    if (FINGERPRINT.test(fp)) return { caFingerprint: fp, secret: token.slice(at + SEPARATOR.length) };
  }
  return { caFingerprint: null, secret: token };
}
