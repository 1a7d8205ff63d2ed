/** What a JSON-ish HTTP call in a test got back: the parsed body when it was JSON, the text always. */
export interface HttpResult<T> {
  status: number;
  body: T;
  text: string;
}

/** One HTTP request with an optional JSON body and bearer token; never throws on a 4xx/5xx. */
export async function request<T = unknown>(
  url: string,
  method: string,
  body?: unknown,
  token?: string | null,
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
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
    // not JSON (logs, metrics)
  }
  return { status: res.status, body: parsed as T, text };
}
