import type Router from "@koa/router";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Core } from "../../core";
import type { Workload } from "../../core/model";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import type { Access } from "./access";
import { caller, paiAuth } from "./auth";
import { forbidden, noJob, PaiError } from "./errors";
import { input } from "../middleware/validate";
import { paiInput } from "./input";
import { configText } from "./job-routes";
import type { Jobs } from "./jobs";
import { originOf, presentDetail, presentListItem } from "./presenters";
import { parseV1 } from "./protocol/v1";

const ExecutionType = z.looseObject({ value: z.enum(["START", "STOP"]) });
/** `username` narrows the list to one user's jobs; a repeated one is ignored. */
const ListQuery = z.looseObject({
  username: z
    .unknown()
    .transform((v) => (typeof v === "string" ? v : null))
    .optional(),
});

/** The YARN-era v1 job routes (docs/compat/openpai.md §1b): reads need no token, writes do. */
export function v1JobRoutes(router: Router<ApiState>, core: Core, access: Access, jobs: Jobs): void {
  const token = paiAuth(core, access, "token");
  /** The reads take no token (as the rest-server's): they show OpenPAI's own jobs only (Jobs.visible). */
  const viewer = (ctx: ApiContext) => ctx.state.principal?.user ?? null;
  const byPath = (ctx: ApiContext): Workload =>
    jobs.get(`${ctx.params.user as string}~${ctx.params.name as string}`, viewer(ctx));
  const item = (ctx: ApiContext, w: Workload) => {
    const {
      debugId: _d,
      tags: _t,
      waitingReason: _r,
      submissionTime: _s,
      ...rest
    } = presentListItem({ core, origin: originOf(ctx) }, w, core.workloads.tasks(w.id));
    return rest;
  };
  const detail = (ctx: ApiContext, w: Workload) =>
    presentDetail({ core, origin: originOf(ctx) }, w, core.workloads.tasks(w.id));
  const list = (ctx: ApiContext, user: string | null) => {
    ctx.body = jobs
      .list(viewer(ctx))
      .filter((w) => user === null || w.owner === user)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((w) => item(ctx, w));
  };
  const submit = (ctx: ApiContext, nameOverride?: string) => {
    const user = caller(ctx).user;
    const pathUser = ctx.params.user as string | undefined;
    if (pathUser !== undefined && pathUser !== user.username && !access.isAdmin(user))
      throw forbidden(`User ${user.username} is not allowed to submit jobs for ${pathUser}.`);
    const raw = (ctx.request as { body?: unknown }).body;
    const { config, spec } = parseV1(
      typeof raw === "object" && raw !== null ? raw : {},
      user.username,
      nameOverride,
    );
    jobs.submit(user, spec, JSON.stringify(config));
    if (config.killAllOnCompletedTaskNumber !== undefined)
      ctx.set("X-Warning", "killAllOnCompletedTaskNumber is deprecated; use minSucceededTaskCount");
    // 202 {message} as the document says; the job is readable at Location at once.
    ctx.status = 202;
    ctx.set("Location", `/api/v1/user/${user.username}/jobs/${spec.name}`);
    ctx.body = { message: `update job ${spec.name} successfully` };
  };
  /** The 409 check that runs before auth on PUT (as in the rest-server). */
  const notDuplicate: ApiMiddleware = async (ctx, next) => {
    const w = core.workloads.findByOwnerAndName(ctx.params.user as string, ctx.params.name as string);
    if (w)
      throw new PaiError(
        409,
        "ConflictJobError",
        `Job ${ctx.params.user}~${ctx.params.name} already exists.`,
      );
    await next();
  };
  const config = (ctx: ApiContext) => {
    const w = byPath(ctx);
    const text = configText(w);
    if (ctx.accepts("json", "yaml", "text") === "json") {
      ctx.body = parseYaml(text) as unknown;
    } else {
      ctx.type = "text/yaml";
      ctx.body = text;
    }
  };
  /** NoJobError for an unknown job; a known one has no SSH info (no HDFS key pair here). */
  const noSsh = (ctx: ApiContext) => {
    const name = ctx.params.name as string;
    if (ctx.params.user !== undefined) byPath(ctx);
    else if (!jobs.list(viewer(ctx)).some((w) => w.name === name)) throw noJob(name);
    throw new PaiError(404, "NoJobSshInfoError", `SSH info of job ${name} is not found.`);
  };

  router.get("/api/v1/jobs", paiInput(ListQuery, "query"), (ctx) =>
    list(ctx, input(ctx, ListQuery).username ?? null),
  );
  router.get("/api/v1/user/:user/jobs", (ctx) => list(ctx, ctx.params.user as string));
  router.post(["/api/v1/jobs", "/api/v1/user/:user/jobs"], token, (ctx) => submit(ctx));
  router.put("/api/v1/user/:user/jobs/:name", notDuplicate, token, (ctx) =>
    submit(ctx, ctx.params.name as string),
  );
  router.get("/api/v1/user/:user/jobs/:name", (ctx) => {
    ctx.body = detail(ctx, byPath(ctx));
  });
  router.get("/api/v1/jobs/:fw", (ctx) => {
    const fw = ctx.params.fw as string;
    if (!fw.includes("~")) throw noJob(fw);
    ctx.body = detail(ctx, jobs.get(fw, viewer(ctx)));
  });
  router.delete("/api/v1/user/:user/jobs/:name", token, (ctx) => {
    const w = jobs.own(caller(ctx).user, byPath(ctx));
    const stopped = core.workloads.stop(w);
    jobs.setMeta(stopped, { deleted: true });
    ctx.status = 202;
    ctx.body = { message: `deleted job ${w.name} successfully` };
  });
  // The body is checked before auth, as in the rest-server.
  router.put("/api/v1/user/:user/jobs/:name/executionType", paiInput(ExecutionType), token, (ctx) => {
    const b = input(ctx, ExecutionType);
    const w = jobs.own(caller(ctx).user, byPath(ctx));
    if (b.value === "STOP") core.workloads.stop(w);
    // 200 as the document says (the v0.x rest-server sent 202).
    ctx.status = 200;
    ctx.body = { message: `execute job ${w.name} successfully` };
  });
  // The second path is the one the v1 SDK client's getConfig() calls.
  router.get(["/api/v1/user/:user/jobs/:name/config", "/api/v1/jobs/:user/jobs/:name/config"], config);
  router.get(["/api/v1/user/:user/jobs/:name/ssh", "/api/v1/jobs/:name/ssh"], noSsh);
}
