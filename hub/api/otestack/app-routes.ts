import fs from "node:fs";
import type Router from "@koa/router";
import { koaBody } from "koa-body";
import { z } from "zod";
import type { Core } from "../../core";
import type { OteApp } from "../../core/deployments/model";
import { ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { ApiContext, ApiMiddleware, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { approvedNamespaces } from "./business-routes";
import { ok, okPage, unix } from "./envelope";
import { caller, canSee, oteAuth } from "./identity";
import { Namespace, paging } from "./schemas";

const AppName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be 1-63 lower-case letters, digits or '-' (DNS label)",
  );
const Port = z.object({
  containerPort: z.number().int().min(1, "must be 1-65535").max(65535, "must be 1-65535"),
  hostPort: z.number().int().min(0).max(65535).default(0),
  protocol: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(["tcp", "udp"], { error: "must be TCP or UDP" }))
    .default("tcp"),
});

/** Every documented app field; defaults as in OTE's tb_app_info. */
export const AppBody = z
  .object({
    appName: AppName,
    version: z.string().regex(/^\d{1,4}\.\d{1,4}$/, "must be a main version x.x"),
    namespace: Namespace,
    deployType: z
      .enum(["deployment", "daemonset"], { error: "must be deployment or daemonset" })
      .default("deployment"),
    image: z.string().min(1, "is required").max(512).regex(/^\S+$/, "must not contain spaces"),
    command: z.array(z.string()).default([]),
    args: z.array(z.string()).default([]),
    envs: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"),
        z.string(),
      )
      .default({}),
    ports: z.array(Port).max(32).default([]),
    replicas: z.number().int().min(1, "must be 1-5").max(5, "must be 1-5").default(1),
    cpu: z
      .number()
      .int()
      .min(1, "must be 1-64000 millicores")
      .max(64000, "must be 1-64000 millicores")
      .default(80),
    memory: z
      .number()
      .int()
      .min(4, "must be 4-1048576 MiB")
      .max(1048576, "must be 4-1048576 MiB")
      .default(4096),
    isHPA: z.boolean().default(false),
    minReplicas: z.number().int().min(1).max(100).default(1),
    maxReplicas: z.number().int().min(1).max(100).default(5),
    hpaCpu: z.number().int().min(1, "must be 1-100 percent").max(100, "must be 1-100 percent").default(80),
    hpaMemory: z.number().int().min(1, "must be 1-100 percent").max(100, "must be 1-100 percent").default(80),
    minReadySeconds: z.number().int().min(0).max(3600).default(10),
    maxSurge: z.number().int().min(0).max(100).default(1),
    maxUnavailable: z.number().int().min(0).max(100).default(0),
    description: z.string().max(256).default(""),
    externalRepoId: z.number().int().min(1).optional(),
  })
  .refine((a) => a.maxSurge + a.maxUnavailable > 0, {
    path: ["maxSurge"],
    message: "maxSurge and maxUnavailable cannot both be 0",
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, { path: ["minReplicas"], message: "must be <= maxReplicas" })
  .refine((a) => !(a.isHPA && a.deployType === "daemonset"), {
    path: ["isHPA"],
    message: "a daemonset cannot autoscale",
  });

const AppListQuery = z.object({
  appName: z.string().optional(),
  mode: z
    .enum(["strict", "partial", "prefix"], { error: "must be strict, partial or prefix" })
    .default("partial"),
  version: z.string().optional(),
  namespace: z.string().optional(),
  ...paging(10),
});
const VersionQuery = z.object({ version: z.string().optional(), namespace: z.string().optional() });

export function presentApp(a: OteApp) {
  return {
    id: a.id,
    appName: a.name,
    version: a.version,
    mainVersion: a.mainVersion,
    namespace: a.namespace,
    deployType: a.kind,
    image: a.image,
    command: a.command,
    args: a.args,
    envs: a.env,
    ports: a.ports.map((p) => ({ ...p, protocol: p.protocol.toUpperCase() })),
    replicas: a.replicas,
    cpu: a.cpu,
    memory: a.memory,
    isHPA: a.isHPA,
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    hpaCpu: a.hpaCpuTarget,
    hpaMemory: a.hpaMemoryTarget,
    minReadySeconds: a.minReadySeconds,
    maxSurge: a.maxSurge,
    maxUnavailable: a.maxUnavailable,
    description: a.description,
    externalRepoId: a.externalRepoId,
    userName: a.owner,
    createTime: unix(a.createdAt),
    updateTime: unix(a.updatedAt),
  };
}

/** Namespace the caller may work in: an approved business they belong to (or any, for super admins). */
export function requireNamespace(core: Core, ctx: ApiContext, namespace: string): void {
  if (!approvedNamespaces(core).includes(namespace))
    throw new ValidationError("namespace", `${namespace} is not an approved business namespace`);
  if (!canSee(caller(ctx), namespace)) throw new ForbiddenError(`namespace ${namespace} is not yours`);
}

const matchName = (name: string, q: string | undefined, mode: "strict" | "partial" | "prefix") =>
  !q || (mode === "strict" ? name === q : mode === "prefix" ? name.startsWith(q) : name.includes(q));

export function appRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const visibleApps = (ctx: ApiContext) =>
    core.deployments.apps().filter((a) => canSee(caller(ctx), a.namespace));

  router.post("/app", auth, validate(AppBody), (ctx) => {
    const b = input(ctx, AppBody);
    requireNamespace(core, ctx, b.namespace);
    if (
      b.externalRepoId !== undefined &&
      !core.store.otestack.externalRepos().some((r) => r.id === b.externalRepoId)
    )
      throw new ValidationError("externalRepoId", `external repository ${b.externalRepoId} does not exist`);
    const app = core.deployments.createApp({
      namespace: b.namespace,
      name: b.appName,
      mainVersion: b.version,
      kind: b.deployType,
      image: b.image,
      command: b.command,
      args: b.args,
      env: b.envs,
      ports: b.ports,
      replicas: b.replicas,
      cpu: b.cpu,
      memory: b.memory,
      isHPA: b.isHPA,
      minReplicas: b.minReplicas,
      maxReplicas: b.maxReplicas,
      hpaCpuTarget: b.hpaCpu,
      hpaMemoryTarget: b.hpaMemory,
      minReadySeconds: b.minReadySeconds,
      maxSurge: b.maxSurge,
      maxUnavailable: b.maxUnavailable,
      description: b.description,
      externalRepoId: b.externalRepoId ?? null,
      owner: caller(ctx).username,
    });
    ok(ctx, presentApp(app));
  });
  router.get("/app", auth, validate(AppListQuery, "query"), (ctx) => {
    const q = input(ctx, AppListQuery);
    const apps = visibleApps(ctx)
      .filter((a) => matchName(a.name, q.appName, q.mode))
      .filter((a) => !q.version || a.version === q.version || a.mainVersion === q.version)
      .filter((a) => !q.namespace || a.namespace === q.namespace)
      .sort((a, b) => b.id - a.id)
      .map(presentApp);
    okPage(ctx, apps, q.page, q.pageSize);
  });

  // Helm charts are stored and listed; deploying one needs Kubernetes targets (422 at /v1/deploy).
  const multipart = koaBody({
    multipart: true,
    formidable: { maxFileSize: 16 * 1024 * 1024 },
  }) as unknown as ApiMiddleware;
  const ChartFields = z.object({
    name: AppName,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a chart version x.y.z"),
    namespace: Namespace,
  });
  router.post("/app/chart", auth, multipart, validate(ChartFields), (ctx) => {
    const f = input(ctx, ChartFields);
    requireNamespace(core, ctx, f.namespace);
    const files = (ctx.request as { files?: Record<string, unknown> }).files ?? {};
    const raw = files["chart"] ?? files["file"];
    const file = (Array.isArray(raw) ? raw[0] : raw) as
      { filepath: string; originalFilename?: string; size: number } | undefined;
    if (!file)
      throw new ValidationError("chart", "a chart file (.tgz) is required in the multipart field chart");
    const chart = core.store.otestack.insertChart({
      namespace: f.namespace,
      name: f.name,
      version: f.version,
      fileName: file.originalFilename ?? `${f.name}-${f.version}.tgz`,
      sizeBytes: file.size,
      content: fs.readFileSync(file.filepath),
      owner: caller(ctx).username,
      createdAt: core.clock.now(),
    });
    fs.rmSync(file.filepath, { force: true });
    const { content: _content, ...rest } = chart;
    ok(ctx, { ...rest, createTime: unix(chart.createdAt) });
  });
  router.get("/app/chart", auth, (ctx) => {
    const charts = core.store.otestack.charts().filter((c) => canSee(caller(ctx), c.namespace));
    ok(
      ctx,
      charts.map((c) => ({ ...c, createTime: unix(c.createdAt) })),
      { total: charts.length },
    );
  });

  /** The caller's visible versions of the app named in the path, narrowed by the query; 404 when none. */
  const namedVersions = (ctx: ApiContext) => {
    const q = input(ctx, VersionQuery);
    const name = ctx.params["appName"] as string;
    const versions = visibleApps(ctx).filter(
      (a) =>
        a.name === name &&
        (!q.version || a.version === q.version) &&
        (!q.namespace || a.namespace === q.namespace),
    );
    if (versions.length === 0) throw new NotFoundError("app", name);
    return versions;
  };
  router.get("/app/:appName", auth, validate(VersionQuery, "query"), (ctx) => {
    const versions = namedVersions(ctx);
    ok(ctx, versions.map(presentApp), { total: versions.length });
  });
  router.delete("/app/:appName", auth, validate(VersionQuery, "query"), (ctx) => {
    for (const a of namedVersions(ctx)) core.deployments.deleteApp(a);
    ok(ctx);
  });
}
