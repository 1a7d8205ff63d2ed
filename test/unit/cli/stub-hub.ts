// A stand-in for the hub's native API (docs/native-api.md) on a real HTTP socket (127.0.0.1:0): it
// records every request and answers with canned JSON, so CLI tests check the exact wire traffic.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path below /api/corral/v1 as sent, still URL-encoded, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body, or undefined when none was sent. */
  body: unknown;
}

export interface CannedResponse {
  status?: number;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as text/plain instead of json. */
  text?: string;
}

type Handler = (req: RecordedRequest) => CannedResponse;

export class StubHub {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private server: Server | undefined;
  url = "";

  /** Answers `METHOD /path` (path below the API prefix, URL-encoded as on the wire). */
  on(method: string, path: string, response: CannedResponse | Handler): this {
    this.routes.set(`${method} ${path}`, typeof response === "function" ? response : () => response);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The one request to `METHOD path`; fails the test if there is not exactly one. */
  only(method: string, path: string): RecordedRequest {
    const found = this.requests.filter((r) => r.method === method && r.path === path);
    if (found.length !== 1 || !found[0]) {
      const seen = this.requests.map((r) => `${r.method} ${r.path}`).join(", ");
      throw new Error(`expected one ${method} ${path}, got ${found.length} (seen: ${seen})`);
    }
    return found[0];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://stub");
    const prefix = "/api/corral/v1";
    const path = (req.url ?? "/").split("?")[0]?.slice(prefix.length) ?? "";
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path,
      query: url.searchParams,
      headers: req.headers,
      body: raw === "" ? undefined : (JSON.parse(raw) as unknown),
    };
    this.requests.push(recorded);
    const handler = url.pathname.startsWith(prefix)
      ? this.routes.get(`${recorded.method} ${path}`)
      : undefined;
    const answer = handler
      ? handler(recorded)
      : { status: 404, json: { code: "not_found", message: `stub has no route ${recorded.method} ${path}` } };
    const status = answer.status ?? 200;
    if (answer.text !== undefined) {
      res.writeHead(status, { "content-type": "text/plain" }).end(answer.text);
    } else if (answer.json === undefined) {
      res.writeHead(status).end();
    } else {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
    }
  }
}
