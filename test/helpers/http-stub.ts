import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a stub server saw it. */
export interface StubRequest {
  method: string;
  url: string;
}

/** What the stub answers: a status, optional JSON body and headers. */
export interface StubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpStub {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request so far, in order. */
  seen: StubRequest[];
  /** Stops listening; later requests to `url` find nothing there (connection refused). */
  close(): Promise<void>;
}

/** An in-process HTTP server on a loopback ephemeral port that answers every request with `answer`. */
export async function startHttpStub(answer: (req: StubRequest) => StubAnswer): Promise<HttpStub> {
  const seen: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const r = { method: req.method ?? "GET", url: req.url ?? "/" };
    seen.push(r);
    const a = answer(r);
    res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
    res.end(a.body === undefined ? undefined : JSON.stringify(a.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
