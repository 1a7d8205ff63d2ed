import fs from "node:fs";
import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { Placement, ServiceTemplate } from "../../core/services/model";
import type { ApiContext, ApiState } from "../context";
import { multipartBody, type UploadedFile } from "../middleware/multipart";
import { input, validate } from "../middleware/validate";
import { approvedNamespaces } from "./business-routes";
import { deleteBody, ok, okPage } from "./envelope";
import { caller, canSee, oteAuth, profile } from "./identity";
import { commandOf, DocumentedAppBody, presentDocumentedApp, type OteAppRecord } from "./app-document";
import { compose } from "../middleware/compose";
import { OteDeployments } from "./deployments";
import { OTE_IDS, oteId } from "./ids";
import { CHART, mainVersionOf, presentApp, presentChart } from "./presenters";
import { Namespace, OteIdParams, paging } from "./schemas";

const AppDeleteBody = z.object({
  appId: z.array(z.number().int().min(1, "must be a positive integer")).min(1, "at least one app id"),
});

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

/** The document's name filter modes (`appNameMode`), partial by default. */
export const NameMode = z.enum(["strict", "partial", "prefix"], {
  error: "must be strict, partial or prefix",
});
/** `appNameMode` is the document's name; `mode` the older hub's. */
const AppListQuery = z.object({
  appName: z.string().optional(),
  appNameMode: NameMode.optional(),
  mode: NameMode.default("partial"),
  version: z.string().optional(),
  namespace: z.string().optional(),
  ...paging(10),
});
const VersionQuery = z.object({ version: z.string().optional(), namespace: z.string().optional() });

/** Namespace the caller may work in: an approved business they belong to (or any, for super admins). */
/** The caller's business namespace, for the document's bodies that name none. */
export function ownNamespace(core: Core, ctx: ApiContext): string {
  const approved = approvedNamespaces(core);
  const ns = profile(caller(ctx)).namespaces.find((n) => approved.includes(n));
  if (!ns) throw new ValidationError("namespace", "you have no approved business namespace");
  return ns;
}

export function requireNamespace(core: Core, ctx: ApiContext, namespace: string): void {
  if (!approvedNamespaces(core).includes(namespace))
    throw new ValidationError("namespace", `${namespace} is not an approved business namespace`);
  if (!canSee(core, caller(ctx), namespace)) throw new ForbiddenError(`namespace ${namespace} is not yours`);
}

export const matchName = (name: string, q: string | undefined, mode: "strict" | "partial" | "prefix") =>
  !q || (mode === "strict" ? name === q : mode === "prefix" ? name.startsWith(q) : name.includes(q));

/** Runs `fn`; core's "versions keep their placement" rule is told in OTE's words (deployType). */
function placementAsDeployType<T>(app: string, asked: "deployment" | "daemonset", fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ValidationError) || err.field !== "placement") throw err;
    const kind = asked === "daemonset" ? "deployment" : "daemonset";
    throw new ValidationError("deployType", `app ${app} is a ${kind}; versions cannot change it`);
  }
}

export function appRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const visibleApps = (ctx: ApiContext) =>
    core.serviceTemplates.list().filter((a) => canSee(core, caller(ctx), a.scope));
  const present = (a: ServiceTemplate) => presentApp(core, a);
  const deployments = new OteDeployments(core);

  /** An app version by its OTE id, among the caller's; 404 when none. */
  const appById = (ctx: ApiContext, id: number): ServiceTemplate => {
    const objectId = core.surfaceIds.objectOf(OTE_IDS.app, id);
    const app = visibleApps(ctx).find((a) => a.id === objectId);
    if (!app) throw new NotFoundError("app", String(id));
    return app;
  };
  const deleteVersion = (a: ServiceTemplate) => {
    // A waiting operation holds its version too (core guards the version in effect).
    const waiting = deployments
      .waiting()
      .find(
        (d) =>
          d.service.scope === a.scope &&
          d.record.appName === a.name &&
          d.record.pending?.version === a.version,
      );
    if (waiting)
      throw new ConflictError(`app version ${a.version} is used by deployment ${waiting.service.name}`);
    core.serviceTemplates.delete(a);
  };

  // The document's body has no namespace: the app goes to the caller's business namespace.
  const documentedCreate = compose([
    validate(DocumentedAppBody),
    async (ctx) => {
      const b = input(ctx, DocumentedAppBody);
      const namespace = ownNamespace(core, ctx);
      let credentialId: string | null = null;
      if (b.repositoryId) {
        const repo = core.registryCredentials.list().find((r) => r.name === b.repositoryId);
        if (!repo)
          throw new ValidationError("repositoryId", `external repository ${b.repositoryId} does not exist`);
        credentialId = repo.id;
      }
      const same = core.serviceTemplates
        .versions(namespace, b.appName)
        .filter((a) => mainVersionOf(a.version) === b.version);
      const record: OteAppRecord = { command: b.command };
      placementAsDeployType(b.appName, b.deployType, () =>
        core.serviceTemplates.create({
          scope: namespace,
          name: b.appName,
          version: `${b.version}.${same.length}`,
          placement: b.deployType === "daemonset" ? "per-node" : "spread",
          replicas: b.replicas,
          spec: {
            image: b.image,
            command: commandOf(b.command),
            args: [],
            env: Object.fromEntries(b.env.map((e) => [e.name, e.value])),
            ports: b.port.map((p) => ({ containerPort: p.port, hostPort: p.hostPort, protocol: p.protocol })),
            cpuMilli: b.maxCPU * 10,
            memoryMiB: b.maxMemory,
            registryCredentialId: credentialId,
            gpu: b.GPU,
            // minCPU/minMemory are what placement reserves (Kubernetes requests), max* the limits.
            requests: { cpuMilli: b.minCPU * 10, memoryMiB: b.minMemory },
            hostPaths: b.volume.map((v) => ({
              hostPath: v.hostPath,
              mountPath: v.path,
              readOnly: v.readOnly,
            })),
          },
          rollout: {
            maxSurge: b.maxSurge,
            maxUnavailable: b.maxUnavailable,
            minReadySeconds: b.minReadySeconds,
          },
          autoscale: {
            enabled: b.isHPA,
            minReplicas: b.minReplicas,
            maxReplicas: b.maxReplicas,
            cpuTargetPercent: b.targetCPUUtilization,
            memoryTargetPercent: b.targetMemUtilization,
          },
          description: "",
          owner: caller(ctx).username,
          extension: { otestack: record },
        }),
      );
      ok(ctx);
    },
  ]);
  router.post("/app", auth, (ctx, next) => {
    const body = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
    return body["namespace"] === undefined ? documentedCreate(ctx, next) : legacyCreate(ctx, next);
  });
  const legacyCreate = compose([
    validate(AppBody),
    async (ctx) => {
      const b = input(ctx, AppBody);
      requireNamespace(core, ctx, b.namespace);
      const credentialId =
        b.externalRepoId === undefined
          ? null
          : core.surfaceIds.objectOf(OTE_IDS.externalRepo, b.externalRepoId);
      if (
        credentialId === undefined ||
        (credentialId !== null && !core.registryCredentials.find(credentialId))
      )
        throw new ValidationError("externalRepoId", `external repository ${b.externalRepoId} does not exist`);
      // Full version `<main>.<n>`: the "x.x" main version plus a counter from 0 per (namespace, app, main).
      const same = core.serviceTemplates
        .versions(b.namespace, b.appName)
        .filter((a) => mainVersionOf(a.version) === b.version);
      const placement: Placement = b.deployType === "daemonset" ? "per-node" : "spread";
      const app = placementAsDeployType(b.appName, b.deployType, () =>
        core.serviceTemplates.create({
          scope: b.namespace,
          name: b.appName,
          version: `${b.version}.${same.length}`,
          placement,
          replicas: b.replicas,
          spec: {
            image: b.image,
            command: b.command,
            args: b.args,
            env: b.envs,
            ports: b.ports,
            cpuMilli: b.cpu,
            memoryMiB: b.memory,
            registryCredentialId: credentialId,
          },
          rollout: {
            maxSurge: b.maxSurge,
            maxUnavailable: b.maxUnavailable,
            minReadySeconds: b.minReadySeconds,
          },
          autoscale: {
            enabled: b.isHPA,
            minReplicas: b.minReplicas,
            maxReplicas: b.maxReplicas,
            cpuTargetPercent: b.hpaCpu,
            memoryTargetPercent: b.hpaMemory,
          },
          description: b.description,
          owner: caller(ctx).username,
        }),
      );
      ok(ctx, present(app));
    },
  ]);
  router.get("/app", auth, validate(AppListQuery, "query"), (ctx) => {
    const q = input(ctx, AppListQuery);
    const apps = visibleApps(ctx)
      .filter((a) => matchName(a.name, q.appName, q.appNameMode ?? q.mode))
      .filter((a) => !q.version || a.version === q.version || mainVersionOf(a.version) === q.version)
      .filter((a) => !q.namespace || a.scope === q.namespace)
      .sort((a, b) => oteId(core, "app", b.id) - oteId(core, "app", a.id));
    const page = q.pageSize === 0 ? apps : apps.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    // The document answers under `apps`; `data` keeps the older hub's view of the same page.
    okPage(ctx, apps.map(present), q.page, q.pageSize, {
      apps: page.map((a) => presentDocumentedApp(core, a)),
    });
  });
  router.get("/app/id/:id", auth, validate(OteIdParams, "params"), (ctx) =>
    ok(ctx, presentDocumentedApp(core, appById(ctx, input(ctx, OteIdParams).id))),
  );
  router.delete("/app", auth, deleteBody(), validate(AppDeleteBody), (ctx) => {
    const apps = input(ctx, AppDeleteBody).appId.map((id) => appById(ctx, id));
    for (const a of apps) deleteVersion(a);
    ok(ctx);
  });

  // Helm charts are stored and listed; deploying one needs Kubernetes targets (422 at /v1/deploy).
  // Temp files live in a folder removed when the request ends, accepted or refused (multipart.ts).
  const multipart = multipartBody();
  /** The document's `appName` and `version` (x.x); the older hub's `name`, `version` x.y.z and `namespace`. */
  const ChartFields = z
    .object({
      appName: AppName.optional(),
      name: AppName.optional(),
      version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "must be a version x.x or x.y.z"),
      namespace: Namespace.optional(),
    })
    .superRefine((f, c) => {
      if (f.appName === undefined && f.name === undefined)
        c.addIssue({ code: "custom", path: ["appName"], message: "is required" });
    })
    .transform((f) => ({
      name: (f.appName ?? f.name) as string,
      version: f.version,
      namespace: f.namespace,
    }));
  router.post("/app/chart", auth, multipart, validate(ChartFields), (ctx) => {
    const f = input(ctx, ChartFields);
    const namespace = f.namespace ?? ownNamespace(core, ctx);
    requireNamespace(core, ctx, namespace);
    const files = (ctx.request as { files?: Record<string, unknown> }).files ?? {};
    const raw = files["chart"] ?? files["file"];
    const file = (Array.isArray(raw) ? raw[0] : raw) as UploadedFile | undefined;
    if (!file)
      throw new ValidationError("chart", "a chart file (.tgz) is required in the multipart field chart");
    const content = fs.readFileSync(file.filepath);
    const chart = core.artifacts.add({
      kind: CHART,
      scope: namespace,
      name: f.name,
      version: f.version,
      fileName: file.originalFilename ?? `${f.name}-${f.version}.tgz`,
      sizeBytes: file.size,
      content,
      owner: caller(ctx).username,
    });
    ok(ctx, presentChart(core, chart));
  });
  router.get("/app/chart", auth, (ctx) => {
    const charts = core.artifacts.list(CHART).filter((c) => canSee(core, caller(ctx), c.scope));
    ok(
      ctx,
      charts.map((c) => presentChart(core, c)),
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
        (!q.namespace || a.scope === q.namespace),
    );
    if (versions.length === 0) throw new NotFoundError("app", name);
    return versions;
  };
  router.get("/app/:appName", auth, validate(VersionQuery, "query"), (ctx) => {
    const versions = namedVersions(ctx);
    ok(ctx, versions.map(present), { total: versions.length });
  });
  router.delete("/app/:appName", auth, validate(VersionQuery, "query"), (ctx) => {
    for (const a of namedVersions(ctx)) deleteVersion(a);
    ok(ctx);
  });
}
