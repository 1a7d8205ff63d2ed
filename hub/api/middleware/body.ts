import { HttpMethodEnum, koaBody } from "koa-body";
import type { ApiMiddleware } from "../context";

/**
 * Parses JSON, urlencoded and text bodies (OpenPAI sends job YAML as text/yaml). Limits: 4 MiB.
 * A malformed JSON body is a 400 from the surface's error middleware. `keepRaw` also keeps the
 * body text as sent in `ctx.request.rawBody` (ModelArts checks AK/SK signatures over it).
 */
export function bodyParser(options: { deleteBodies?: boolean; keepRaw?: boolean } = {}): ApiMiddleware {
  const parse = koaBody({
    json: true,
    urlencoded: true,
    text: true,
    multipart: false,
    jsonLimit: "4mb",
    formLimit: "4mb",
    textLimit: "4mb",
    jsonStrict: false,
    // ModelArts's SDK sends bodies on DELETE (tags, image groups); others keep koa-body's default.
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
  // Parse once: a surface that hands a request on to another (shared paths) has parsed it already.
  return async function bodyParser(ctx, next) {
    if ((ctx.request as { body?: unknown }).body !== undefined) return next();
    return parse(ctx, next);
  };
}
