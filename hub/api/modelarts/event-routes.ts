import type Router from "@koa/router";
import { z } from "zod";
import type { WorkloadEvent } from "../../core/model";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";

/** Events in one page when `limit` is absent or 0 (also the most a page holds). */
export const EVENT_PAGE = 500;

const Query = z.object({
  resource: z.enum(["pools"], "must be pools").optional(),
  name: z.string().optional(),
  limit: z.coerce.number().int().min(0).max(EVENT_PAGE).optional(),
  continue: z.string().optional(),
  since: z.coerce.number().int().min(0).optional(),
  until: z.coerce.number().int().min(0).optional(),
  type: z.enum(["Normal", "Warning"], "must be Normal or Warning").optional(),
});

/** A time query parameter in ms: values below 10^12 are read as seconds. */
const ms = (v: number | undefined) => (v === undefined ? undefined : v < 1e12 ? v * 1000 : v);

/**
 * The trace list (`GET /v1/{project_id}/events`): the hub's workload events (scheduling, starts,
 * exits, preemptions), Kubernetes-style as ModelArts serves them; `resource=pools&name=<pool>`
 * keeps the events of work in that pool (core cluster). `continue` is the last event's id.
 */
export function eventRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  router.get("/v1/:project_id/events", deps.auth, validate(Query, "query"), (ctx) => {
    const q = input(ctx, Query);
    const afterId = q.continue ? Number(q.continue) : 0;
    if (!Number.isInteger(afterId) || afterId < 0)
      throw new ModelArtsError(400, GENERIC.invalid, "invalid continue: not a token this hub gave");
    let keep: (e: WorkloadEvent) => boolean = () => true;
    if (q.name !== undefined) {
      const cluster = core.clusters.list().find((c) => c.name === q.name || c.id === q.name);
      if (!cluster) throw new ModelArtsError(404, "ModelArts.50015001", `resource pool ${q.name} not found`);
      const inPool = new Map<string, boolean>();
      keep = (e) => {
        if (!inPool.has(e.workloadId))
          inPool.set(e.workloadId, core.workloads.find(e.workloadId)?.clusterId === cluster.id);
        return inPool.get(e.workloadId) === true;
      };
    }
    const limit = q.limit || EVENT_PAGE;
    const items: WorkloadEvent[] = [];
    let cursor = afterId;
    let more = false;
    // Read in batches until the page is full or the trail ends (the pool filter skips events).
    for (;;) {
      const batch = core.eventLog.list({
        afterId: cursor,
        since: ms(q.since),
        until: ms(q.until),
        type: q.type,
        limit: EVENT_PAGE,
      });
      for (const e of batch) {
        cursor = e.id;
        if (!keep(e)) continue;
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(e);
      }
      if (more || batch.length < EVENT_PAGE) break;
    }
    const last = items[items.length - 1];
    ctx.body = {
      apiVersion: "v1",
      kind: "EventList",
      metadata: { continue: more && last ? String(last.id) : "", remainingItemCount: more ? 1 : 0 },
      items: items.map((e) => ({
        apiVersion: "v1",
        kind: "Event",
        type: e.type,
        firstTimestamp: new Date(e.at).toISOString(),
        lastTimestamp: new Date(e.at).toISOString(),
        count: 1,
        reason: e.reason,
        message: e.message,
      })),
    };
  });
}
