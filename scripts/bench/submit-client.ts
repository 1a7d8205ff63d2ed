/**
 * The HTTP client of bench:latency, in a worker thread: a user's client runs outside the hub, so
 * its request building and response parsing (undici, ~1-3 ms a request) must not run on the hub's
 * event loop and count as the hub's latency. Each message from the parent submits one workload
 * and answers when the hub answered, with the epoch time taken just before the request.
 */
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";

export interface SubmitRequest {
  url: string;
  token: string;
  name: string;
}

export interface SubmitResult {
  /** performance.timeOrigin + now() just before the request (comparable across processes). */
  t0: number;
  status: number;
  /** The workload id when the hub answered 201, else the body text. */
  id: string | null;
  text: string;
}

parentPort?.on("message", (req: SubmitRequest) => {
  void (async () => {
    const t0 = performance.timeOrigin + performance.now();
    const res = await fetch(`${req.url}/api/corral/v1/workloads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${req.token}` },
      body: JSON.stringify({ name: req.name, image: "bench", resources: { cpuMilli: 100 } }),
    });
    const text = await res.text();
    const id = res.status === 201 ? (JSON.parse(text) as { id: string }).id : null;
    parentPort?.postMessage({ t0, status: res.status, id, text } satisfies SubmitResult);
  })();
});
