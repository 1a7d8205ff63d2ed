import crypto from "node:crypto";

/**
 * Huawei Cloud's `SDK-HMAC-SHA256` request signature (APIG AK/SK authentication), as its SDKs make
 * it: a canonical request (method, path, query, signed headers, body hash) hashed into a string to
 * sign that is HMAC-SHA256'd with the secret key. Pure functions; the middleware is in auth.ts.
 */
export const ALGORITHM = "SDK-HMAC-SHA256";

/** sha256 of an empty body, what the SDK signs when there is none. */
export const EMPTY_BODY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The header naming the body hash instead of hashing it (`UNSIGNED-PAYLOAD` for uploads). */
export const CONTENT_HASH_HEADER = "x-sdk-content-sha256";

/** The header with the signing time, `YYYYMMDDTHHMMSSZ` (UTC). */
export const DATE_HEADER = "x-sdk-date";

/**
 * Percent-encodes as Python's `urllib.parse.quote(s, safe="~")`: only letters, digits and `-._~`
 * stay; everything else is UTF-8 bytes as `%XX` (upper case). encodeURIComponent also keeps
 * `!'()*`, so those are encoded here.
 */
export function quote(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const unquote = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The canonical URI: the decoded path re-encoded segment by segment, ending in `/`. */
export function canonicalUri(rawPath: string): string {
  const path = unquote(rawPath).split("/").map(quote).join("/");
  return path.endsWith("/") ? path : `${path}/`;
}

/** Query pairs sorted by name then value, each side encoded, joined with `&`. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return [...pairs]
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${quote(k)}=${quote(v)}`)
    .join("&");
}

/** The decoded name/value pairs of a raw query string (`+` is a space, as in forms). */
export function queryPairs(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((p): [string, string] => {
      const eq = p.indexOf("=");
      const [k, v] = eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
      return [unquote(k.replace(/\+/g, " ")), unquote(v.replace(/\+/g, " "))];
    });
}

export interface SignedRequest {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  /** Decoded query pairs. */
  query: readonly (readonly [string, string])[];
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Lower-case names of the signed headers, in the order of the Authorization header. */
  signedHeaders: readonly string[];
  /** The body bytes as sent; empty when there is none. */
  body: Buffer;
  /** The body hash the client signed when the body itself is not at hand (a streamed body). */
  bodyHash?: string;
}

const sha256Hex = (data: string | Buffer): string => crypto.createHash("sha256").update(data).digest("hex");

/** The body's hash as the SDK signs it: empty, named by X-Sdk-Content-Sha256, or hashed. */
export function payloadHash(req: Pick<SignedRequest, "body" | "headers" | "bodyHash">): string {
  if (req.bodyHash !== undefined) return req.bodyHash;
  if (req.body.length === 0) return EMPTY_BODY_HASH;
  return req.headers[CONTENT_HASH_HEADER] || sha256Hex(req.body);
}

export function canonicalRequest(req: SignedRequest): string {
  const headers = req.signedHeaders.map((h) => `${h}:${(req.headers[h] ?? "").trim()}`).join("\n");
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    `${headers}\n`,
    req.signedHeaders.join(";"),
    payloadHash(req),
  ].join("\n");
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** The hex signature of a request signed at `sdkDate` with `secret`. */
export function signature(req: SignedRequest, sdkDate: string, secret: string): string {
  return crypto
    .createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(stringToSign(canonicalRequest(req), sdkDate))
    .digest("hex");
}

/** The parts of an `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`. */
export interface SignatureHeader {
  access: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses the Authorization header; null when it is not an SDK-HMAC-SHA256 one or is malformed. */
export function parseAuthorization(header: string): SignatureHeader | null {
  const m = /^SDK-HMAC-SHA256\s+(.*)$/i.exec(header.trim());
  if (!m) return null;
  const fields = new Map<string, string>();
  for (const part of (m[1] as string).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const access = fields.get("access");
  const signed = fields.get("signedheaders");
  const sig = fields.get("signature");
  if (!access || !signed || !sig || !/^[0-9a-f]{64}$/i.test(sig)) return null;
  return {
    access,
    signedHeaders: signed.split(";").map((h) => h.trim().toLowerCase()),
    signature: sig.toLowerCase(),
  };
}

/** The signing time of an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) in Unix ms; null when malformed. */
export function parseSdkDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(at);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? at : null;
}

/** Formats Unix ms as an `X-Sdk-Date`. */
export function formatSdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
