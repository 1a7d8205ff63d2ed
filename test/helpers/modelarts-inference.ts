import http from "node:http";
import type { AddressInfo } from "node:net";
import { maCall } from "./modelarts";
import type { TestHub } from "./test-hub";
import { waitFor } from "./wait";

/**
 * A local HTTP server standing in for a model's container behind FakeRuntime (whose containers
 * have the address 127.0.0.1, so the agent's tunnel dials this port): answers `name` and what it
 * was asked, and echoes bodies.
 */
export async function modelStandIn(
  name: string,
  opts: { healthy?: boolean } = {},
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/health" && opts.healthy === false) {
      res.statusCode = 503;
      res.end("not ready");
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          model: name,
          method: req.method,
          url: req.url,
          body: Buffer.concat(chunks).toString("utf8"),
          prefix: req.headers["x-forwarded-prefix"] ?? null,
          authorization: req.headers.authorization ?? null,
          token: req.headers["x-auth-token"] ?? null,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Registers `image` in the hub's image catalog as found, so a model of it publishes. */
export function registerFoundImage(hub: TestHub, image: string): void {
  const core = hub.hub.core;
  if (core.images.list().some((i) => i.reference === image)) return;
  const record = core.images.register({ reference: image, owner: "admin", meta: { modelarts: {} } });
  core.images.setStatus(record, "present", "registered by the test");
}

/** Imports an image model (Corral's port field names the stand-in's port) and waits for published. */
export async function publishedModel(
  hub: TestHub,
  name: string,
  port: number,
  image = "corral-test/serve:1",
  healthUrl = "/health",
): Promise<string> {
  registerFoundImage(hub, image);
  const res = await maCall<{ model_id: string }>(hub, "POST", "/v1/{project_id}/models", {
    model_name: name,
    model_version: "1.0.0",
    source_location: image,
    model_type: "Image",
    port,
    health: { url: healthUrl, protocol: "http", check_method: "HTTP" },
  });
  if (res.status !== 200) throw new Error(`model ${name}: ${res.status} ${res.text}`);
  await waitFor(async () => {
    const m = await maCall<{ model_status: string }>(
      hub,
      "GET",
      `/v1/{project_id}/models/${res.body.model_id}`,
    );
    return m.body.model_status === "published";
  }, `model ${name} published`);
  return res.body.model_id;
}

/** A `custom` specification small enough for several instances on one fake node. */
export const SMALL = { specification: "custom", custom_spec: { cpu: 0.1, memory: 64 } } as const;

/** Waits until the service's status is `status` (running, stopped...). */
export async function untilServiceStatus(hub: TestHub, id: string, status: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      hub.hub.scheduleNow();
      const s = await maCall<Record<string, unknown>>(hub, "GET", `/v1/{project_id}/services/${id}`);
      return s.body.status === status ? s.body : null;
    },
    `service ${id} ${status}`,
    timeoutMs,
    50,
  );
}
