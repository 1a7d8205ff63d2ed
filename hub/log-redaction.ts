import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Fields no hub log line ever shows, wherever they sit in the logged object (one level deep and
 * at the top): passwords, tokens of every kind (JWTs, join tokens, refresh/access tokens,
 * signed-URL tokens), credentials and secrets, request headers that carry them.
 */
export const REDACTED_FIELDS = [
  "password",
  "newPassword",
  "oldPassword",
  "token",
  "accessToken",
  "refreshToken",
  "joinToken",
  "credential",
  "secret",
  "clientSecret",
  "appSecret",
  "authorization",
  "cookie",
] as const;

export const REDACT_PATHS: string[] = [
  ...REDACTED_FIELDS,
  ...REDACTED_FIELDS.map((f) => `*.${f}`),
  "headers.authorization",
  "headers.cookie",
  "headers['x-auth-token']",
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-auth-token']",
];

/** The hub's logger: JSON lines, with REDACT_PATHS censored. */
export function hubLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "corral-hub" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A JWT (three base64url parts, the first a JSON header): `eyJ...`. */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** A path segment after one that names a token: /tokens/<t>, /token/<t>, /join-tokens/<t>. */
const AFTER_TOKEN_SEGMENT = /(\/(?:tokens?|join-tokens|credentials?|secrets?)\/)[^/]+/gi;

/**
 * A request path fit for the log: JWTs and whatever follows a token-naming segment are replaced
 * by `[redacted]`. (Query strings are never logged: signed URLs carry their token there.)
 */
export function redactPath(path: string): string {
  return path
    .replace(JWT, "[redacted]")
    .replace(AFTER_TOKEN_SEGMENT, (_m, head: string) => `${head}[redacted]`);
}
