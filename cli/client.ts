// HTTP client for the hub's native API (/api/corral/v1, see docs/native-api.md). It only moves JSON
// and turns failures into typed errors: no answer at all -> HubUnreachableError (exit 4), an error
// status -> HubApiError carrying the body's {code, message, field} (404 -> exit 3, else 1).
import { HubApiError, HubUnreachableError } from "./errors";

/** Path of the native API under the hub's base URL. */
export const API_PREFIX = "/api/corral/v1";

export interface HubClientOptions {
  /** Hub base URL, e.g. `http://hub:8080` (normalised, no trailing slash). */
  hubUrl: string;
  /** Bearer token; omitted only for `POST /auth/login`. */
  token?: string;
  /** Per-request timeout in ms. @default 30_000 */
  timeoutMs?: number;
}

export type Query = Record<string, string | number | undefined>;

export class HubClient {
  readonly hubUrl: string;
  /** The bearer token, for the WebSocket calls (exec, port-forward) that do not go through fetch. */
  readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: HubClientOptions) {
    this.hubUrl = options.hubUrl;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.json("GET", path, undefined, query)) as T;
  }

  async post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.json("POST", path, body, query)) as T;
  }

  async put<T>(path: string, body: unknown, query?: Query): Promise<T> {
    return (await this.json("PUT", path, body, query)) as T;
  }

  async patch<T>(path: string, body: unknown, query?: Query): Promise<T> {
    return (await this.json("PATCH", path, body, query)) as T;
  }

  async delete<T>(path: string, query?: Query): Promise<T> {
    return (await this.json("DELETE", path, undefined, query)) as T;
  }

  /** GET a `text/plain` resource (task logs). */
  async getText(path: string, query?: Query): Promise<string> {
    const res = await this.send("GET", path, undefined, query, "text/plain");
    return res.text();
  }

  /** Parsed JSON body, or undefined for an empty body (204). The caller names the type it expects. */
  private async json(method: string, path: string, body?: unknown, query?: Query): Promise<unknown> {
    const res = await this.send(method, path, body, query, "application/json");
    const text = await res.text();
    if (text === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HubApiError({
        status: res.status,
        code: "bad_response",
        message: `hub answered ${method} ${path} with a body that is not JSON`,
        path,
      });
    }
  }

  private async send(method: string, path: string, body: unknown, query: Query | undefined, accept: string) {
    const url = new URL(this.hubUrl + API_PREFIX + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      // fetch only rejects when no HTTP answer came back: refused, DNS, reset, TLS, timeout.
      throw new HubUnreachableError(this.hubUrl, err);
    }
    if (!res.ok) throw await toApiError(res, path);
    return res;
  }
}

/** Builds the typed error from an error response; tolerates bodies that are not the documented shape. */
async function toApiError(res: Response, path: string): Promise<HubApiError> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // The body was cut off; the status alone still says what happened.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const o = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  return new HubApiError({
    status: res.status,
    code: str(o.code) ?? `http_${res.status}`,
    message: str(o.message) ?? (text.trim().slice(0, 200) || `${res.status} ${res.statusText}`),
    field: str(o.field),
    requestId: str(o.requestId),
    path,
  });
}

/** One path segment, URL-encoded: labels such as `zone=a` or `a/b` must not change the route. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
