/** A tiny OTE-stack client for tests: bare `Authorization: <token>`, envelope bodies. */
export interface OteAnswer<T = unknown> {
  status: number;
  body: {
    code: number;
    message: string;
    data?: T;
    total?: number;
    token?: string;
    field?: string;
    meta?: { readyNodeCount: number };
  };
}

export class OteClient {
  token: string | null = null;
  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = this.token,
  ): Promise<OteAnswer<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = token;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as OteAnswer<T>["body"] };
  }

  /** Logs in and keeps the token; throws unless the answer is 200. */
  async login(username: string, password: string): Promise<string> {
    const res = await this.call("POST", "/v1/authorization", { username, password }, null);
    if (res.status !== 200 || !res.body.token)
      throw new Error(`login ${username}: ${res.status} ${res.body.message}`);
    this.token = res.body.token;
    return this.token;
  }
}
