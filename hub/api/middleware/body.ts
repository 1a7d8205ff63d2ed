import { HttpMethodEnum, koaBody } from "koa-body";
import type { ApiMiddleware } from "../context";
import { bodyLimit, refuseAnnouncedOver } from "./body-limit";

export interface BodyParserOptions {
  /** Parse DELETE bodies too (ModelArts's SDK sends tags and image groups on DELETE). @default false */
  deleteBodies?: boolean;
  /** Keep the body text as sent in `ctx.request.rawBody` (ModelArts checks AK/SK signatures over it). @default false */
  keepRaw?: boolean;
}

/** koa-body's JSON types, plus JSON merge patches (ModelArts's PATCH of pools, RFC 7396). */
const JSON_TYPES = [
  "application/json",
  "application/json-patch+json",
  "application/vnd.api+json",
  "application/csp-report",
  "application/reports+json",
  "application/merge-patch+json",
];

/** koa-body with every limit set to `bytes` (JSON, urlencoded, text). */
function parserWithLimit(bytes: number, options: BodyParserOptions): ApiMiddleware {
  return koaBody({
    json: true,
    urlencoded: true,
    text: true,
    multipart: false,
    jsonLimit: bytes,
    formLimit: bytes,
    textLimit: bytes,
    jsonStrict: false,
    jsonTypes: JSON_TYPES,
    ...(options.deleteBodies
      ? {
          parsedMethods: [
            HttpMethodEnum.POST,
            HttpMethodEnum.PUT,
            HttpMethodEnum.PATCH,
            HttpMethodEnum.DELETE,
          ],
        }
      : {}),
    includeUnparsed: options.keepRaw === true,
  }) as unknown as ApiMiddleware;
}

/**
 * Parses JSON, urlencoded and text bodies (OpenPAI sends job YAML as text/yaml), at most
 * bodyLimit(ctx) bytes: 4 MiB with a valid token, 64 KiB without (body-limit.ts); a larger body is
 * a 413 before it is read. A malformed JSON body is a 400 from the surface's error middleware.
 */
export function bodyParser(options: BodyParserOptions = {}): ApiMiddleware {
  const parsers = new Map<number, ApiMiddleware>();
  // Parse once: a surface that hands a request on to another (shared paths) has parsed it already.
  return async function bodyParser(ctx, next) {
    if ((ctx.request as { body?: unknown }).body !== undefined) return next();
    const limit = bodyLimit(ctx);
    refuseAnnouncedOver(ctx, limit);
    let parse = parsers.get(limit);
    if (!parse) {
      parse = parserWithLimit(limit, options);
      parsers.set(limit, parse);
    }
    return parse(ctx, next);
  };
}
