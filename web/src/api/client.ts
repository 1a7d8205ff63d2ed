import type { ApiErrorBody } from "../lib/workload-form";

/** The native API's base path: the console talks to nothing else. */
export const API = "/api/corral/v1";

/** A refusal from the API: its HTTP status and `{code, message, field?}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

/**
 * One call to the native API. The session is the HTTP-only cookie (sent by the browser, never
 * seen here); same-origin fetches carry the Origin header the hub checks on writes.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${API}${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const parsed: unknown = type.includes("json") && text ? JSON.parse(text) : text;
  if (!res.ok) {
    const err =
      typeof parsed === "object" && parsed !== null && "message" in parsed
        ? (parsed as ApiErrorBody)
        : { code: "http_error", message: `${res.status} ${res.statusText}` };
    throw new ApiError(res.status, err);
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>("PATCH", path, body);
export const del = <T>(path: string) => api<T>("DELETE", path);

export const enc = encodeURIComponent;
