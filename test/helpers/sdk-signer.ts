import crypto from "node:crypto";

/**
 * Our own client-side `SDK-HMAC-SHA256` signer, written from the algorithm Huawei Cloud documents
 * for APIG AK/SK authentication (not from the hub's verifier, so that tests check one against the
 * other): sign every header sent, host as host:port, the path with a trailing slash, the query
 * sorted, the body's sha256.
 */
export interface SignInput {
  method: string;
  /** Full URL (path and query as they will be sent). */
  url: string;
  headers: Record<string, string>;
  body: string;
  ak: string;
  sk: string;
  /** Signing time. @default now */
  at?: Date;
}

const hex = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");

/** RFC 3986 unreserved characters stay; every other byte is %XX. */
function enc(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function sdkDate(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}T${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}Z`;
}

/** The headers to send: the given ones plus Host, X-Sdk-Date and the Authorization header. */
export function signRequest(input: SignInput): Record<string, string> {
  const url = new URL(input.url);
  const headers: Record<string, string> = { ...input.headers, Host: url.host };
  headers["X-Sdk-Date"] = sdkDate(input.at ?? new Date());
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const signed = [...lower.keys()].sort();
  const segments = decodeURIComponent(url.pathname).split("/").map(enc);
  let path = segments.join("/");
  if (!path.endsWith("/")) path += "/";
  const pairs: [string, string][] = [];
  url.searchParams.forEach((v, k) => pairs.push([k, v]));
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  const query = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
  const canonical = [
    input.method.toUpperCase(),
    path,
    query,
    signed.map((h) => `${h}:${lower.get(h) ?? ""}`).join("\n") + "\n",
    signed.join(";"),
    hex(Buffer.from(input.body, "utf8")),
  ].join("\n");
  const toSign = ["SDK-HMAC-SHA256", headers["X-Sdk-Date"], hex(canonical)].join("\n");
  const signature = crypto.createHmac("sha256", input.sk).update(toSign).digest("hex");
  headers.Authorization = `SDK-HMAC-SHA256 Access=${input.ak}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  return headers;
}
