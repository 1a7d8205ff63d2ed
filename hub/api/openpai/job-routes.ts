import type Router from "@koa/router";
import { parse as parseYaml, stringify } from "yaml";
import { z } from "zod";
import type { Core } from "../../core";
import type { Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import type { Access } from "./access";
import type { AttemptHistory, JobAttemptView } from "./attempts";
import { caller, paiAuth } from "./auth";
import { PaiError } from "./errors";
import { input } from "../middleware/validate";
import { paiInput } from "./input";
import { JobListCache } from "./job-json";
import { jobMeta } from "./job-meta";
import { isNewestFirstPage, JobListQuery, listJobs, pageNewestFirst } from "./job-list";
import type { Jobs } from "./jobs";
import { originOf, presentAttempt, presentDetail, presentListItem, type PresentContext } from "./presenters";
import { hasSecrets, maskConfig } from "./protocol/render";
import { V1Config } from "./protocol/v1";
import { v1ToV2 } from "./protocol/v1-to-v2";
import { parseV2 } from "./protocol/v2";
import { rateLimit, RateLimiter, type OpenpaiRateLimits } from "./rate-limit";

const ExecutionType = z.looseObject({ value: z.enum(["START", "STOP"]) });
const Tag = z.looseObject({
  value: z
    .string()
    .min(1)
    .refine((v) => !v.includes(","), "must not contain commas"),
});

/** `type` filters events by type (Normal, Warning); a repeated one is ignored. */
const EventsQuery = z.looseObject({
  type: z
    .unknown()
    .transform((v) => (typeof v === "string" ? v : undefined))
    .optional(),
});

/**
 * The stored config as YAML, secrets and registry passwords masked (OpenPAI never hands them back).
 * `as: "v2"` converts a v1 job's config to the v2 protocol (the v2 config route always answers v2).
 */
export function configText(w: Workload, as: "stored" | "v2" = "stored"): string {
  const meta = jobMeta(w);
  if (!meta || !meta.config)
    throw new PaiError(404, "NoJobConfigError", `Config of job ${w.owner}~${w.name} is not found.`);
  if (meta.format === "v2") return stringify(maskConfig(parseYaml(meta.config)));
  const v1: unknown = JSON.parse(meta.config);
  return stringify(maskConfig(as === "v2" ? v1ToV2(V1Config.parse(v1)) : v1));
}

/** Job routes of the v2 API (docs/compat/openpai.md §1a), jobs named `<user>~<job>`. */
export function jobRoutes(
  router: Router<ApiState>,
  core: Core,
  access: Access,
  jobs: Jobs,
  history: AttemptHistory,
  limits: OpenpaiRateLimits,
): void {
  const token = paiAuth(core, access, "token");
  const listLimit = rateLimit(new RateLimiter(limits.listPerMin, 60_000));
  const submitLimit = rateLimit(new RateLimiter(limits.submitPerHour, 3_600_000));
  const pc = (ctx: ApiContext): PresentContext => ({ core, origin: originOf(ctx) });
  const listCache = new JobListCache(jobs);
  const job = (ctx: ApiContext) => jobs.get(ctx.params.fw as string, caller(ctx).user);
  const attemptOf = (ctx: ApiContext, w: Workload, index: string | undefined): JobAttemptView => {
    const found = history.find(w, index);
    if (!found)
      throw new PaiError(404, "NoJobError", `Attempt ${index} of job ${ctx.params.fw} is not found.`);
    return found;
  };

  router.get("/api/v2/jobs", token, listLimit, paiInput(JobListQuery, "query"), (ctx) => {
    const c = pc(ctx);
    const q = input(ctx, JobListQuery);
    const viewer = caller(ctx).user;
    if (isNewestFirstPage(q)) {
      // The default order: read newest first until the page is full, present only the page.
      // Each job's item and JSON text come from listCache, made again only when the job changed.
      const page = pageNewestFirst(
        listCache.newestFirst(c, viewer, q.offset + q.limit + 1),
        (e) => e.item,
        q,
      );
      ctx.type = "application/json";
      ctx.body = `[${page.map((e) => e.json).join(",")}]`;
      return;
    }
    const all = jobs.list(viewer);
    const tasks = core.workloads.tasksOf(all.map((w) => w.id));
    ctx.body = listJobs(
      all.map((w) => presentListItem(c, w, tasks.get(w.id) ?? [])),
      q,
    );
  });
  router.post("/api/v2/jobs", token, submitLimit, (ctx) => {
    const raw = (ctx.request as { body?: unknown }).body;
    const { spec } = parseV2(raw);
    // Stored as submitted, except that secrets and registry passwords never reach the store.
    const parsed: unknown = typeof raw === "string" ? parseYaml(raw) : raw;
    const text = typeof raw === "string" && !hasSecrets(parsed) ? raw : stringify(maskConfig(parsed));
    const user = caller(ctx).user;
    jobs.submit(user, spec, text);
    ctx.status = 202;
    ctx.set("Location", `/api/v2/jobs/${user.username}~${spec.name}`);
    // The document's and the swagger's message; `status` as the rest-server adds it.
    ctx.body = { status: 202, message: `update job ${spec.name} successfully` };
  });
  router.get("/api/v2/jobs/:fw", token, (ctx) => {
    const w = job(ctx);
    ctx.body = presentDetail(pc(ctx), w, core.workloads.tasks(w.id));
  });
  router.get("/api/v2/jobs/:fw/attempts/:attempt", token, (ctx) => {
    const a = attemptOf(ctx, job(ctx), ctx.params.attempt);
    ctx.body = presentDetail(pc(ctx), a.workload, a.tasks);
  });
  router.put("/api/v2/jobs/:fw/executionType", token, paiInput(ExecutionType), (ctx) => {
    const b = input(ctx, ExecutionType);
    const w = jobs.own(caller(ctx).user, job(ctx));
    if (b.value === "STOP") core.workloads.stop(w);
    ctx.status = 202;
    ctx.body = { status: 202, message: `Execute job ${ctx.params.fw} successfully.` };
  });
  router.get("/api/v2/jobs/:fw/config", token, (ctx) => {
    const text = configText(job(ctx), "v2");
    ctx.type = "text/yaml";
    ctx.body = text;
  });
  router.get("/api/v2/jobs/:fw/ssh", token, (ctx) => {
    job(ctx);
    throw new PaiError(404, "NoJobSshInfoError", `SSH info of job ${ctx.params.fw} is not found.`);
  });
  router.put("/api/v2/jobs/:fw/tag", token, paiInput(Tag), (ctx) => {
    const b = input(ctx, Tag);
    const w = jobs.own(caller(ctx).user, job(ctx));
    const tags = jobMeta(w)?.tags ?? [];
    jobs.setMeta(w, { tags: tags.includes(b.value) ? tags : [...tags, b.value] });
    ctx.body = { message: `Add tag ${b.value} for job ${ctx.params.fw} successfully.` };
  });
  router.delete("/api/v2/jobs/:fw/tag", token, paiInput(Tag), (ctx) => {
    const b = input(ctx, Tag);
    const w = jobs.own(caller(ctx).user, job(ctx));
    const tags = jobMeta(w)?.tags ?? [];
    if (!tags.includes(b.value))
      throw new PaiError(404, "NoTagError", `Tag ${b.value} is not found in job ${ctx.params.fw}.`);
    jobs.setMeta(w, { tags: tags.filter((t) => t !== b.value) });
    ctx.body = { message: `Delete tag ${b.value} from job ${ctx.params.fw} successfully.` };
  });
  router.get("/api/v2/jobs/:fw/events", token, paiInput(EventsQuery, "query"), (ctx) => {
    const w = job(ctx);
    const type = input(ctx, EventsQuery).type ?? null;
    const data = core.workloads
      .events(w.id)
      .filter((e) => type === null || e.type === type)
      .map((e) => ({
        uid: String(e.id),
        type: e.type,
        reason: e.reason,
        message: e.message,
        firstTimestamp: new Date(e.at).toISOString(),
        lastTimestamp: new Date(e.at).toISOString(),
        count: 1,
        involvedObjectKind: e.taskId ? "Pod" : "Framework",
        involvedObjectName: e.taskId ?? w.id,
      }));
    ctx.body = { totalCount: data.length, data };
  });
  router.get("/api/v2/jobs/:fw/job-attempts/healthz", token, (ctx) => {
    ctx.body = { isHealthy: true };
  });
  router.get("/api/v2/jobs/:fw/job-attempts", token, (ctx) => {
    const c = pc(ctx);
    ctx.body = history.list(job(ctx)).map((a) => presentAttempt(c, a));
  });
  router.get("/api/v2/jobs/:fw/job-attempts/:idx", token, (ctx) => {
    ctx.body = presentAttempt(pc(ctx), attemptOf(ctx, job(ctx), ctx.params.idx));
  });
}
