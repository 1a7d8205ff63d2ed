import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { koaBody } from "koa-body";
import type { ApiMiddleware } from "../context";
import { bodyLimit, refuseAnnouncedOver, tooLarge } from "./body-limit";

/** An uploaded file as formidable hands it over. */
export interface UploadedFile {
  filepath: string;
  originalFilename?: string | null;
  size: number;
}

/** How formidable reports a refused upload: an HTTP code (413 over a limit, 400 malformed). */
function formidableCode(err: unknown): number | null {
  const code = (err as { httpCode?: unknown } | null)?.httpCode;
  return typeof code === "number" ? code : null;
}

/**
 * Parses a multipart body (mount after authentication) into a private temporary folder that is
 * removed when the request ends, whatever the outcome: a refused, malformed or over-large upload
 * leaves no file behind. Files and fields together are at most bodyLimit(ctx, "upload") bytes
 * (16 MiB); over it is a 413, a malformed body a 400, never a 500.
 */
export function multipartBody(options: { maxFiles?: number; maxFields?: number } = {}): ApiMiddleware {
  return async function multipartBody(ctx, next) {
    if ((ctx.request as { body?: unknown }).body !== undefined && !ctx.is("multipart")) return next();
    const limit = bodyLimit(ctx, "upload");
    refuseAnnouncedOver(ctx, limit);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-upload-"));
    try {
      const parse = koaBody({
        multipart: true,
        formidable: {
          uploadDir: dir,
          maxFiles: options.maxFiles ?? 4,
          maxFields: options.maxFields ?? 64,
          maxFileSize: limit,
          maxTotalFileSize: limit,
          maxFieldsSize: 64 * 1024,
        },
      }) as unknown as ApiMiddleware;
      try {
        await parse(ctx, async () => undefined);
      } catch (err) {
        const code = formidableCode(err);
        if (code === 413) tooLarge(ctx, limit);
        if (code !== null && code >= 400 && code < 500) ctx.throw(400, "malformed multipart body");
        throw err;
      }
      await next();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
