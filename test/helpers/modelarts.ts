import type { TestHub } from "./test-hub";

export interface MaResult<T> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/**
 * Calls a ModelArts route the way Huawei's SDK does: `Content-Type: application/json` on every
 * call (GET and DELETE too) and the IAM token in `X-Auth-Token`. `path` may use `{project_id}`.
 */
export async function maCall<T = Record<string, unknown>>(
  hub: TestHub,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = hub.adminToken,
  extraHeaders: Record<string, string> = {},
): Promise<MaResult<T>> {
  const url = `${hub.hub.httpUrl}${path.replace("{project_id}", projectIdOf(hub))}`;
  const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
  if (token) headers["x-auth-token"] = token;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (log files)
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/** The hub's IAM project id (the install id). */
export const projectIdOf = (hub: TestHub): string => hub.hub.core.installation.id;
