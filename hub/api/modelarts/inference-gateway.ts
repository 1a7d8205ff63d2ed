import type { IncomingMessage } from "node:http";
import { pipeline } from "node:stream";
import type { Core } from "../../core";
import { ForbiddenError } from "../../core/errors";
import type { User } from "../../core/model";
import type { ReplicatedService } from "../../core/services/model";
import type { ApiMiddleware } from "../context";
import type { RouteEntry } from "../route-table";
import { TunnelConnectionPool } from "../tunnel/connection-pool";
import { modelartsAuth } from "./auth";
import { GENERIC, ModelArtsError } from "./errors";
import type { AppCallGate, AppCallVerdict, InferenceCall } from "./inference-contract";
import { WeightedBalancer } from "./inference-balancer";
import { InstanceHealth } from "./inference-health";
import { responseHeaders } from "../tunnel/http-proxy";
import { sendUpstream, upstreamHeaders } from "./inference-forward";
import { accessPathOf, type Instance, type InferenceServices } from "./inference-services";
import { countKeys } from "./service-record";

/** `/v1/infers/{service_id}{rest}` on the raw path. */
const INFER_PATH = /^\/v1\/infers\/([^/?]+)(\/[^?]*)?(\?.*)?$/;

/** The gateway's routes for the route table: any method is forwarded; ALL stands for them. */
export const INFERENCE_ROUTES: readonly RouteEntry[] = [
  { method: "ALL", path: "/v1/infers/:service_id" },
  { method: "ALL", path: "/v1/infers/:service_id/(.*)" },
];

/**
 * Bodies up to this size are read before the call is sent, so a call that meets an instance that
 * has just died goes to another one; larger (or unsized) bodies stream through once. @default 1 MiB
 */
export const RETRYABLE_BODY_BYTES = 1024 * 1024;
/** Most bytes of a signed call's body read for its signature check. @default 4 MiB */
const SIGNED_BODY_BYTES = 4 * 1024 * 1024;
/** Other instances a call is tried on after the first fails before answering. @default 2 */
const RETRIES = 2;

/**
 * How long the gateway reuses a service's list of running instances (finding them reads every
 * live workload). A new instance takes calls this much later at most; a dead one is retried past.
 * @default 500 ms
 */
export const INSTANCE_CACHE_MS = 500;

/** The hub's and the apps' credentials: never passed on to an instance. */
const CREDENTIALS = new Set(["authorization", "x-auth-token", "x-apig-appcode", "x-sdk-date", "cookie"]);

/** Calls per service in the last whole minute (monitor's req_count_per_min), in memory. */
export class InvocationRates {
  private readonly minutes = new Map<string, { minute: number; count: number; previous: number }>();

  constructor(private readonly now: () => number) {}

  add(serviceId: string): void {
    const minute = Math.floor(this.now() / 60_000);
    const m = this.minutes.get(serviceId);
    if (!m || m.minute !== minute)
      this.minutes.set(serviceId, { minute, count: 1, previous: m && m.minute === minute - 1 ? m.count : 0 });
    else m.count++;
  }

  lastMinute(serviceId: string): number {
    const minute = Math.floor(this.now() / 60_000);
    const m = this.minutes.get(serviceId);
    if (!m) return 0;
    return m.minute === minute ? m.previous : m.minute === minute - 1 ? m.count : 0;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ModelArtsError(413, "ModelArts.0109", "request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The inference gateway behind every service's access_address (`/v1/infers/{service_id}/...`):
 * any method, path, query and body. The caller is judged by the app gate when the call carries an
 * app credential (`gate.claims`), else by an IAM token or an AK/SK signature, and must be able to
 * read the service. The call goes to one running instance (weighted per config, in turn within a
 * config; inference-balancer.ts) through the agent's tunnel to the model's port, kept alive per
 * instance; an instance that fails before answering is left out and the call tried on another.
 * Every call is counted in core.invocations (written in batches). Runs before the body parser.
 */
export function inferenceGateway(
  core: Core,
  services: InferenceServices,
  gate: AppCallGate,
  rates: InvocationRates,
): ApiMiddleware {
  const pool = new TunnelConnectionPool((route, target) => core.tunnels.connect(route, target));
  const balancer = new WeightedBalancer();
  const iam = modelartsAuth(core);
  const cached = new Map<string, { at: number; instances: Instance[] }>();
  const health = new InstanceHealth(pool, () => core.clock.now());
  const instancesOf = (service: ReplicatedService): Instance[] => {
    const now = core.clock.now();
    const hit = cached.get(service.id);
    if (hit && now - hit.at < INSTANCE_CACHE_MS && hit.at <= now) return hit.instances;
    const instances = services.instances(service);
    cached.set(service.id, { at: now, instances });
    health.retain([...cached.values()].flatMap((c) => c.instances));
    if (cached.size > 1000) cached.delete(cached.keys().next().value as string);
    return instances;
  };
  return async function inferenceGateway(ctx, next) {
    const m = INFER_PATH.exec(ctx.req.url ?? "");
    if (!m) return next();
    const [, idText, rest, query] = m as unknown as [string, string, string | undefined, string | undefined];
    const serviceId = decodeURIComponent(idText);
    const req = ctx.req;
    const length = Number(req.headers["content-length"] ?? 0);
    const sized = req.headers["transfer-encoding"] === undefined;
    const signed = /^SDK-HMAC-/i.test((req.headers.authorization ?? "").trim());
    // Small bodies (and signed ones, whose signature covers them) are read first.
    let body: Buffer | null = null;
    if (signed) body = await readBody(req, SIGNED_BODY_BYTES);
    else if (sized && length <= RETRYABLE_BODY_BYTES)
      body = length === 0 ? Buffer.alloc(0) : await readBody(req, RETRYABLE_BODY_BYTES);
    const call: InferenceCall = {
      method: ctx.method,
      url: req.url ?? "",
      headers: req.headers,
      ...(body ? { body } : {}),
    };
    const notFound = () =>
      new ModelArtsError(
        404,
        GENERIC.noRoute,
        `The API does not exist or has not been published: ${ctx.method} ${ctx.path}`,
      );
    let verdict: AppCallVerdict = { kind: "none" };
    if (gate.claims(call)) {
      const ref = services.find(serviceId);
      if (!ref) throw notFound();
      verdict = gate.check(ref, call);
      if (verdict.kind === "refused")
        throw new ModelArtsError(verdict.status, verdict.errorCode, verdict.errorMsg);
    }
    if (verdict.kind === "none") {
      // IAM token or AK/SK signature, as on every ModelArts route.
      if (body && signed) (ctx.request as { rawBody?: string }).rawBody = body.toString("utf8");
      await iam(ctx, async () => undefined);
      const user = (ctx.state.principal as { user: User }).user;
      const s = services.lookup(serviceId);
      if (!s) throw notFound();
      if (!core.authz.can(user, "object.read", { kind: "object", owner: s.owner, unitId: s.quotaUnitId }))
        throw new ForbiddenError(`user ${user.username} may not call service ${serviceId}`);
    }
    const service = services.lookup(serviceId);
    if (!service) throw notFound();
    const record = services.record(service);
    if (record.stopped)
      throw new ModelArtsError(
        503,
        GENERIC.unavailable,
        `service ${serviceId} is stopped: start it to call it`,
      );
    core.invocations.add(countKeys.service(service.id));
    rates.add(service.id);
    const prefix = accessPathOf(service.id);
    const headers = upstreamHeaders(req, CREDENTIALS, prefix, body ? body.length : null);
    const failed = new Set<string>();
    const tries = body ? 1 + RETRIES : 1;
    let lastError = "no running instance";
    for (let attempt = 0; attempt < tries;) {
      const instances = instancesOf(service).filter((i) => !failed.has(`${i.taskId}/${i.attempt}`));
      const picked = balancer.pick<Instance>(
        service.id,
        record.configs.map((c) => ({
          id: c.coreServiceId,
          weight: c.weight,
          instances: instances.filter((i) => i.config.coreServiceId === c.coreServiceId),
        })),
      );
      if (!picked) break;
      const inst = picked.instance;
      const model = services.modelOf(inst.config);
      // Not ready (its health path does not answer yet): left out, at no cost of an attempt.
      if (!(await health.ready(inst, model.port, model.healthPath))) {
        failed.add(`${inst.taskId}/${inst.attempt}`);
        lastError = `instance ${inst.taskId} is not ready: ${model.healthPath} does not answer`;
        continue;
      }
      attempt++;
      const port = model.port;
      core.invocations.add(countKeys.config(inst.config.coreServiceId));
      try {
        const { res } = await sendUpstream(
          pool.requestOptions(
            { nodeId: inst.nodeId, taskId: inst.taskId, attempt: inst.attempt },
            { kind: "port", port },
          ),
          { method: ctx.method, path: `${rest || "/"}${query ?? ""}`, headers, body: body ?? req },
          (abort) =>
            ctx.res.once("close", () => {
              if (!ctx.res.writableFinished) abort();
            }),
        );
        if ((res.statusCode ?? 502) >= 500) core.invocations.add(countKeys.failed(inst.config.coreServiceId));
        ctx.respond = false;
        const out = ctx.res;
        const h = responseHeaders(res);
        for (let i = 0; i < h.length; i += 2) out.appendHeader(h[i] as string, h[i + 1] as string);
        out.writeHead(res.statusCode ?? 502, res.statusMessage);
        out.flushHeaders();
        pipeline(res, out, () => undefined);
        return;
      } catch (err) {
        core.invocations.add(countKeys.failed(inst.config.coreServiceId));
        lastError = (err as Error).message;
        // A kept-alive tunnel the container had just closed: the instance may well be fine.
        if (!(err as { reusedSocket?: boolean }).reusedSocket) failed.add(`${inst.taskId}/${inst.attempt}`);
        if (ctx.res.destroyed) return;
      }
    }
    throw new ModelArtsError(
      502,
      GENERIC.unavailable,
      `service ${serviceId} has no instance that answered: ${lastError}`,
    );
  };
}
