import type Router from "@koa/router";
import { z } from "zod";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { presentResourceFlavor, presentTrainingFlavor } from "./flavor-presenters";
import { flavorsOf } from "./flavors";

const FlavorQuery = z.object({ flavor_type: z.enum(["CPU", "GPU", "Ascend"]).optional() });
const ResourceFlavorQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  continue: z.string().regex(/^\d+$/).optional(),
});

/**
 * Resource and engine specifications (`/v2/{project_id}/training-job-flavors`,
 * `/training-job-engines`) and resource flavors (`/v1/{project_id}/resourceflavors`): flavors are
 * derived from the nodes' real hardware (flavors.ts). Corral has no preset AI engines: jobs name
 * their image (`engine.image_url`), so the engine catalogue is empty.
 */
export function specRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, auth, project } = deps;
  router.get("/v2/:project_id/training-job-flavors", auth, validate(FlavorQuery, "query"), (ctx) => {
    const { flavor_type } = input(ctx, FlavorQuery);
    const flavors = flavorsOf(core.nodes.list()).filter((f) => !flavor_type || f.type === flavor_type);
    ctx.body = { total_count: flavors.length, flavors: flavors.map(presentTrainingFlavor) };
  });
  router.get("/v2/:project_id/training-job-engines", auth, (ctx) => {
    ctx.body = { total: 0, items: [] };
  });
  router.get("/v1/:project_id/resourceflavors", auth, validate(ResourceFlavorQuery, "query"), (ctx) => {
    const q = input(ctx, ResourceFlavorQuery);
    const all = flavorsOf(core.nodes.list());
    const start = q.continue === undefined ? 0 : Number(q.continue);
    const end = q.limit === undefined ? all.length : Math.min(all.length, start + q.limit);
    const remaining = all.length - end;
    ctx.body = {
      apiVersion: "v1",
      kind: "List",
      metadata: remaining > 0 ? { continue: String(end), remainingItemCount: remaining } : {},
      items: all.slice(start, end).map((f) => presentResourceFlavor(f, project.name)),
    };
  });
}
