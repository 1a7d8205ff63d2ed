import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";

const EventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/**
 * Recent events of every workload, oldest first (the console's overview): admins see all, other
 * users the events of their own workloads. Event JSON adds `workload` (its name) to the
 * per-workload events' fields.
 */
export function eventRoutes(router: Router<ApiState>, core: Core): void {
  router.get("/events", authenticate(core.auth), validate(EventsQuery, "query"), (ctx) => {
    const user = ctx.state.principal!.user;
    const events = core.workloads.recentEvents(
      input(ctx, EventsQuery).limit,
      core.authz.isAdmin(user) ? undefined : user.username,
    );
    ctx.body = {
      items: events.map((e) => ({
        ...e,
        workload: core.workloads.find(e.workloadId)?.name ?? null,
        at: new Date(e.at).toISOString(),
      })),
    };
  });
}
