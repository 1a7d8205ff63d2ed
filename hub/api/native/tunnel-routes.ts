import type { Core } from "../../core";
import type { User, Workload } from "../../core/model";
import { UnauthenticatedError, ValidationError } from "../../core/errors";
import type { ApiContext, ApiMiddleware } from "../context";
import type { RouteEntry } from "../route-table";
import { tokenFrom } from "../middleware/auth";
import { TunnelConnectionPool } from "../tunnel/connection-pool";
import { SESSION_COOKIE } from "./session-cookie";
import { forwardHttp, forwardUpgrade } from "../tunnel/http-proxy";
import { upgradeOf, type UpgradeSocket } from "../tunnel/upgrade";
import { acceptWebSocket, bridgeBytes, bridgeExec } from "../tunnel/ws-bridges";
import { TUNNEL_TOKEN_PARAM } from "../tunnel/urls";

/** `{prefix}/workloads/{id}/tasks/{index}/ports/{port}{rest}`, on the raw (undecoded) path. */
const PORT_PATH = /^(\/api\/corral\/v1\/workloads\/([^/?]+)\/tasks\/(\d+)\/ports\/(\d+))(\/[^?]*)?(\?.*)?$/;
/** `.../tasks/{index}/exec?command=..&command=..&tty=1&stdin=1&cols=80&rows=24` (WebSocket). */
const EXEC_PATH = /^\/api\/corral\/v1\/workloads\/([^/?]+)\/tasks\/(\d+)\/exec(\?.*)?$/;
/** `.../tasks/{index}/port-forward/{port}` (WebSocket of raw bytes). */
const FORWARD_PATH = /^\/api\/corral\/v1\/workloads\/([^/?]+)\/tasks\/(\d+)\/port-forward\/(\d+)(\?.*)?$/;
/** The tunnel routes (served before the router, by the patterns above), for the route table. */
export const TUNNEL_ROUTES: readonly RouteEntry[] = [
  // Any method is forwarded to the task's port; GET stands for them all.
  { method: "GET", path: "/api/corral/v1/workloads/:id/tasks/:index/ports/:port/(.*)" },
  { method: "POST", path: "/api/corral/v1/workloads/:id/tasks/:index/ports/:port/url" },
  { method: "GET", path: "/api/corral/v1/workloads/:id/tasks/:index/exec" },
  { method: "GET", path: "/api/corral/v1/workloads/:id/tasks/:index/port-forward/:port" },
];
/** HTTP-only cookie holding a signed URL's token, scoped to its task port's path. */
export const TUNNEL_COOKIE = "corral_tunnel";

/**
 * Task port tunnels (docs/native-api.md "Reaching your work"): any method, streamed both ways,
 * WebSocket upgrades passed through raw. Runs before the body parser, so bodies stream
 * untouched. `POST .../ports/{port}/url` mints a signed URL instead of being forwarded.
 */
export function tunnelRoutes(core: Core): ApiMiddleware {
  const pool = new TunnelConnectionPool((route, target) => core.tunnels.connect(route, target));
  return async function tunnelRoutes(ctx, next) {
    const url = ctx.req.url ?? "";
    const exec = EXEC_PATH.exec(url);
    if (exec) return execRoute(core, ctx, exec);
    const forward = FORWARD_PATH.exec(url);
    if (forward) return forwardRoute(core, ctx, forward);
    const m = PORT_PATH.exec(url);
    if (!m) return next();
    const [, prefix, id, indexText, portText, rest, query] = m as unknown as string[];
    const workload = core.workloads.resolve(decodeURIComponent(id as string));
    const index = Number(indexText);
    const port = Number(portText);
    if (!(port >= 1 && port <= 65535)) throw new ValidationError("port", "must be 1-65535");
    const base = prefix as string;
    if (rest === "/url" && ctx.method === "POST") return mintUrl(core, ctx, workload, index, port, base);

    const search = new URLSearchParams(query ? query.slice(1) : "");
    const signed = search.get(TUNNEL_TOKEN_PARAM);
    if (signed !== null) return exchangeToken(core, ctx, workload, index, port, base, rest, search, signed);
    const { user, drop } = whoIsAsking(core, ctx, workload, index, port);
    const target = { kind: "port" as const, port };
    const route = core.tunnels.authorize(user, workload, index, target);
    const options = {
      path: `${rest || "/"}${query ?? ""}`,
      prefix: base,
      drop,
      // The console's session never reaches a container.
      dropCookies: new Set([TUNNEL_COOKIE, SESSION_COOKIE]),
    };
    const up = upgradeOf(ctx.req);
    if (up) return forwardUpgrade(ctx, await core.tunnels.connect(route, target), up, options);
    await forwardHttp(ctx, pool.requestOptions(route, target), options);
  };
}

/** A Bearer token (dropped before the container sees it), else the tunnel cookie. */
function whoIsAsking(
  core: Core,
  ctx: ApiContext,
  w: Workload,
  index: number,
  port: number,
): { user: User; drop: ReadonlySet<string> } {
  const token = tokenFrom(ctx);
  if (token) {
    const principal = core.auth.authenticate(token);
    return { user: principal.user, drop: new Set(["authorization", "x-auth-token"]) };
  }
  const cookie = ctx.cookies.get(TUNNEL_COOKIE);
  const grant = cookie ? core.tunnels.verify(cookie, w.id, index, port) : null;
  const user = grant ? core.users.find(grant.username) : undefined;
  if (!user)
    throw new UnauthenticatedError(
      cookie
        ? "the tunnel URL has expired or is not for this port: ask for a new one"
        : "missing token: send Authorization: Bearer <token> or open a signed tunnel URL",
    );
  return { user, drop: new Set() };
}

function mintUrl(core: Core, ctx: ApiContext, w: Workload, index: number, port: number, base: string): void {
  const token = tokenFrom(ctx);
  if (!token) throw new UnauthenticatedError("missing token: send Authorization: Bearer <token>");
  const user = core.auth.authenticate(token).user;
  core.workloads.task(w, index);
  const signed = core.tunnels.sign(user, w, index, port);
  ctx.status = 201;
  ctx.body = {
    url: `${ctx.protocol}://${ctx.host}${base}/?${TUNNEL_TOKEN_PARAM}=${encodeURIComponent(signed.token)}`,
    expiresAt: new Date(signed.expiresAt).toISOString(),
  };
}

/** A signed URL's first visit: the token becomes the path-scoped cookie, then the clean URL. */
function exchangeToken(
  core: Core,
  ctx: ApiContext,
  w: Workload,
  index: number,
  port: number,
  base: string,
  rest: string | undefined,
  search: URLSearchParams,
  token: string,
): void {
  const grant = core.tunnels.verify(token, w.id, index, port);
  if (!grant)
    throw new UnauthenticatedError("the tunnel URL has expired or is not for this port: ask for a new one");
  ctx.cookies.set(TUNNEL_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    // Secure whenever the hub serves TLS (issue 13).
    secure: ctx.secure,
    path: `${base}/`,
    expires: new Date(grant.expiresAt),
    overwrite: true,
  });
  search.delete(TUNNEL_TOKEN_PARAM);
  const q = search.toString();
  ctx.redirect(`${base}${rest || "/"}${q ? `?${q}` : ""}`);
}

/** A WebSocket upgrade authenticated by Bearer token (exec and port-forward are CLI tools). */
/** Authenticates, then authorizes (core.authz, through core.tunnels), before looking at the request's shape. */
function upgradeFor(core: Core, ctx: ApiContext, workload: Workload): { user: User; up: UpgradeSocket } {
  const token = tokenFrom(ctx);
  if (!token) throw new UnauthenticatedError("missing token: send Authorization: Bearer <token>");
  const user = core.auth.authenticate(token).user;
  core.tunnels.checkAccess(user, workload);
  const up = upgradeOf(ctx.req);
  if (!up) throw new ValidationError("upgrade", "this path needs a WebSocket upgrade (Connection: Upgrade)");
  return { user, up };
}

async function execRoute(core: Core, ctx: ApiContext, m: RegExpExecArray): Promise<void> {
  if (ctx.method !== "POST" && ctx.method !== "GET")
    throw new ValidationError("method", "exec is POST (or GET) upgraded to a WebSocket");
  const workload = core.workloads.resolve(decodeURIComponent(m[1] as string));
  const { user, up } = upgradeFor(core, ctx, workload);
  const q = new URLSearchParams((m[3] ?? "").slice(1));
  const command = q.getAll("command");
  if (command.length === 0)
    throw new ValidationError("command", "give the command as command=...&command=...");
  const size = (name: string) => {
    const v = Number(q.get(name) ?? 0);
    return Number.isInteger(v) && v >= 0 && v <= 10_000 ? v : 0;
  };
  const channel = await core.tunnels.open(user, workload, Number(m[2]), {
    kind: "exec",
    command,
    tty: q.get("tty") === "1",
    stdin: q.get("stdin") === "1",
    cols: size("cols"),
    rows: size("rows"),
  });
  bridgeExec(acceptWebSocket(ctx, up), channel);
}

async function forwardRoute(core: Core, ctx: ApiContext, m: RegExpExecArray): Promise<void> {
  const workload = core.workloads.resolve(decodeURIComponent(m[1] as string));
  const port = Number(m[3]);
  if (!(port >= 1 && port <= 65535)) throw new ValidationError("port", "must be 1-65535");
  const { user, up } = upgradeFor(core, ctx, workload);
  const channel = await core.tunnels.open(user, workload, Number(m[2]), { kind: "port", port });
  bridgeBytes(acceptWebSocket(ctx, up), channel);
}
