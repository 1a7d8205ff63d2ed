import fs from "node:fs";
import path from "node:path";
import type { ApiMiddleware } from "../context";

/** Where `npm run build` puts the console (vite: web/ -> dist/console), seen from dist/hub/api/console. */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, "../../../console");

/** Vite names every file under assets/ by its content hash: safe to cache for a year. */
const HASHED = "/assets/";
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html and other unhashed files: revalidate every time, so a new build shows at once. */
export const REVALIDATE = "no-cache";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** The page may load and talk to this hub only; no framing (clickjacking). */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web console (docs/architecture.md "Console"), mounted after the surfaces' dispatcher, so it
 * only ever sees paths no surface claims: it can never shadow an API path. GET and HEAD only. A
 * built file is served as is; any other path asked for as HTML (a browser navigating to
 * `/nodes/gpu-01`) gets index.html, the single-page app's fallback. Everything else goes on
 * (the hub's plain 404). Without a build (tsc only) the console is simply absent.
 */
export function consoleAssets(dir: string = DEFAULT_CONSOLE_DIR): ApiMiddleware {
  const root = path.resolve(dir);
  const index = path.join(root, "index.html");
  return async function consoleAssets(ctx, next) {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    const file = builtFile(root, ctx.path);
    if (file) {
      ctx.set("Cache-Control", ctx.path.startsWith(HASHED) ? IMMUTABLE : REVALIDATE);
      return send(ctx, file);
    }
    if (ctx.path.startsWith(HASHED) || !ctx.get("accept").includes("text/html")) return next();
    if (!isFile(index)) return next();
    ctx.set("Cache-Control", REVALIDATE);
    send(ctx, index);
  };
}

function send(ctx: Parameters<ApiMiddleware>[0], file: string): void {
  ctx.type = TYPES[path.extname(file)] ?? "application/octet-stream";
  ctx.set("X-Content-Type-Options", "nosniff");
  if (file.endsWith(".html")) {
    ctx.set("Content-Security-Policy", CSP);
    ctx.set("Referrer-Policy", "same-origin");
  }
  ctx.length = fs.statSync(file).size;
  // Koa sends no body for HEAD and destroys the stream when the response ends.
  ctx.body = fs.createReadStream(file);
}

/** The file under root that `urlPath` names, or null (absent, a folder, or outside root). */
function builtFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded === "/" || decoded.includes("\0")) return null;
  const file = path.resolve(root, `.${decoded}`);
  if (!file.startsWith(root + path.sep)) return null;
  return isFile(file) ? file : null;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
