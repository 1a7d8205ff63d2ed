import type { AuthService } from "../../core/auth";
import type { ApiContext, ApiMiddleware } from "../context";
import { tokenFrom } from "./auth";

/**
 * How much of a request body the hub reads. Decided BEFORE any body is read, from the token the
 * request carries: an anonymous caller (no token, or one that does not verify) may send only what
 * a login or a registration needs, so nobody can make the hub buffer megabytes without a valid
 * token. Readers (body.ts, multipart.ts, OpenPAI's form reader) enforce the limit while reading.
 */
export const BODY_LIMITS = {
  /** Bodies of requests without a valid token (logins, OTE registration). @default 64 KiB */
  anonymousBytes: 64 * 1024,
  /** JSON, form and text bodies of authenticated requests. @default 4 MiB */
  authenticatedBytes: 4 * 1024 * 1024,
  /** A multipart upload (OTE helm charts), all files and fields together. @default 16 MiB */
  uploadBytes: 16 * 1024 * 1024,
} as const;

/** True when the request announces a body (a length above 0, or a chunked one). */
export function hasBody(ctx: ApiContext): boolean {
  const length = ctx.get("content-length");
  if (length !== "" && length !== "0") return true;
  return ctx.get("transfer-encoding") !== "";
}

/**
 * Mounted in the app before any surface: when a request announces a body, checks its token
 * (signature, expiry, revocation, user status) and records the limit that applies. Never
 * answers itself: the route still authenticates as it always did.
 */
export function bodyAllowance(auth: AuthService): ApiMiddleware {
  return async function bodyAllowance(ctx, next) {
    if (hasBody(ctx)) {
      const token = tokenFrom(ctx);
      let authenticated = false;
      if (token) {
        try {
          auth.authenticate(token);
          authenticated = true;
        } catch {
          authenticated = false;
        }
      }
      ctx.state.bodyAuthenticated = authenticated;
    }
    await next();
  };
}

/** The byte limit for this request's body of the given sort. */
export function bodyLimit(ctx: ApiContext, sort: "plain" | "upload" = "plain"): number {
  if (ctx.state.bodyAuthenticated !== true) return BODY_LIMITS.anonymousBytes;
  return sort === "upload" ? BODY_LIMITS.uploadBytes : BODY_LIMITS.authenticatedBytes;
}

/**
 * Refuses (413) a body whose announced length is over `limit`, before reading a byte of it.
 * Readers still count what arrives (a chunked body announces nothing).
 */
export function refuseAnnouncedOver(ctx: ApiContext, limit: number): void {
  const length = Number(ctx.get("content-length") || "0");
  if (Number.isFinite(length) && length > limit) tooLarge(ctx, limit);
}

/** Throws the 413 every surface renders in its own error shape. */
export function tooLarge(ctx: ApiContext, limit: number): never {
  ctx.throw(413, `request body is larger than ${limit} bytes`);
}

/** Reads the raw body as text, at most `limit` bytes (413 past it). */
export async function readLimited(ctx: ApiContext, limit: number): Promise<string> {
  refuseAnnouncedOver(ctx, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge(ctx, limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
