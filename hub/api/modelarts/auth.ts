import type { Core } from "../../core";
import { UnauthenticatedError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";
import { tokenFrom } from "../middleware/auth";
import { ModelArtsError } from "./errors";
import { ReplayGuard } from "./replay-guard";
import {
  DATE_HEADER,
  parseAuthorization,
  parseSdkDate,
  queryPairs,
  signature,
  type SignatureHeader,
} from "./signature";
import { digestsEqual } from "../../core/secrets";

/** How far a signed request's X-Sdk-Date may be from the hub's clock, either way. @default 15 min */
export const SIGNATURE_SKEW_MS = 15 * 60_000;

/** APIG's code for AK/SK authentication that fails (bad key, signature, date or a replay). */
export const SIGNATURE_ERROR = "APIG.0301";

/** Methods whose repeat is refused (see acceptReplay): reads are repeatable by design. */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

const refused = (why: string): ModelArtsError =>
  new ModelArtsError(401, SIGNATURE_ERROR, `Incorrect IAM authentication information: ${why}`);

/** The body bytes as sent: kept by the ModelArts body parser (rawBody), or read here. */
async function rawBodyOf(ctx: ApiContext): Promise<Buffer> {
  const kept = (ctx.request as { rawBody?: string }).rawBody;
  if (typeof kept === "string") return Buffer.from(kept, "utf8");
  if ((ctx.request as { body?: unknown }).body !== undefined || !ctx.req.readable) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4 * 1024 * 1024) throw new ModelArtsError(413, "ModelArts.0109", "request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Who is calling a ModelArts or IAM route. `Authorization: SDK-HMAC-SHA256 Access=...` with
 * `X-Sdk-Date` (what Huawei's SDKs send with AK/SK credentials) is verified as the SDK signs:
 * the access key's secret, a date within SIGNATURE_SKEW_MS of the hub's clock, and no repeat of
 * a state-changing request inside the window. Otherwise `X-Auth-Token` (an IAM token from POST
 * /v3/auth/tokens) or `Authorization: Bearer` of the other surfaces: one token system. Sets
 * ctx.state.principal.
 */
export function modelartsAuth(core: Core): ApiMiddleware {
  const replays = new ReplayGuard();
  async function verify(ctx: ApiContext, auth: SignatureHeader): Promise<void> {
    const dateText = ctx.get(DATE_HEADER);
    const signedAt = parseSdkDate(dateText);
    if (signedAt === null) throw refused("X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ");
    if (!auth.signedHeaders.includes(DATE_HEADER) || !auth.signedHeaders.includes("host"))
      throw refused("SignedHeaders must include host and x-sdk-date");
    const now = core.clock.now();
    if (Math.abs(now - signedAt) > SIGNATURE_SKEW_MS)
      throw refused("X-Sdk-Date is more than 15 minutes from the server's time");
    let signer;
    try {
      signer = core.accessKeys.signer(auth.access);
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw refused(`access key ${auth.access}: ${err.message}`);
      throw err;
    }
    const headers: Record<string, string> = {};
    for (const h of auth.signedHeaders) headers[h] = ctx.get(h);
    const hash = ctx.get("x-sdk-content-sha256");
    if (hash) headers["x-sdk-content-sha256"] = hash;
    const expected = signature(
      {
        method: ctx.method,
        path: ctx.path,
        query: queryPairs(ctx.querystring),
        headers,
        signedHeaders: auth.signedHeaders,
        body: await rawBodyOf(ctx),
      },
      dateText.trim(),
      signer.secret,
    );
    if (!digestsEqual(expected, auth.signature)) throw refused("the request signature does not match");
    // The SDK's date has one-second resolution, so two identical reads in a second are two
    // honest calls with one signature; a repeated read changes nothing. A repeated write is a replay.
    if (!READS.has(ctx.method) && !replays.accept(auth.signature, signedAt + SIGNATURE_SKEW_MS, now))
      throw refused("this signed request was already received (replay)");
    ctx.state.principal = signer.principal;
  }
  return async function modelartsAuth(ctx, next) {
    const header = ctx.get("authorization");
    if (/^SDK-HMAC-/i.test(header.trim())) {
      const parsed = parseAuthorization(header);
      if (!parsed) throw refused("malformed SDK-HMAC-SHA256 Authorization header");
      await verify(ctx, parsed);
      return next();
    }
    const token = tokenFrom(ctx);
    if (!token)
      throw new UnauthenticatedError("missing credentials: send X-Auth-Token or an AK/SK signature");
    ctx.state.principal = core.auth.authenticate(token);
    await next();
  };
}
