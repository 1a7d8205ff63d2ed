import { koaBody } from "koa-body";
import type { ApiMiddleware } from "../context";
import { bodyLimit, refuseAnnouncedOver } from "./body-limit";

/** koa-body with every limit set to `bytes` (JSON, urlencoded, text). */
function parserWithLimit(bytes: number): ApiMiddleware {
  return koaBody({
    json: true,
    urlencoded: true,
    text: true,
    multipart: false,
    jsonLimit: bytes,
    formLimit: bytes,
    textLimit: bytes,
    jsonStrict: false,
  }) as unknown as ApiMiddleware;
}

/**
 * Parses JSON, urlencoded and text bodies (OpenPAI sends job YAML as text/yaml), at most
 * bodyLimit(ctx) bytes: 4 MiB with a valid token, 64 KiB without (body-limit.ts); a larger body is
 * a 413 before it is read. A malformed JSON body is a 400 from the surface's error middleware.
 */
export function bodyParser(): ApiMiddleware {
  const parsers = new Map<number, ApiMiddleware>();
  // Parse once: a surface that hands a request on to another (shared paths) has parsed it already.
  return async function bodyParser(ctx, next) {
    if ((ctx.request as { body?: unknown }).body !== undefined) return next();
    const limit = bodyLimit(ctx);
    refuseAnnouncedOver(ctx, limit);
    let parse = parsers.get(limit);
    if (!parse) {
      parse = parserWithLimit(limit);
      parsers.set(limit, parse);
    }
    return parse(ctx, next);
  };
}
