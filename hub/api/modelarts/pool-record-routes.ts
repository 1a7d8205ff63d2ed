import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { Cluster } from "../../core/model";
import type { ApiState } from "../context";
import { adminOnly } from "../middleware/authorize";
import { compose } from "../middleware/compose";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { POOL_QUOTA } from "./os-quota-routes";
import { POOL_ERRORS, poolErrors } from "./pool-errors";
import { findPool } from "./pool-model";
import { PoolParams } from "./pool-schemas";
import { findTemplate, PLUGIN_TEMPLATES, versionsOn, type PluginTemplate } from "./plugin-templates";

const TAG = "modelarts/tag";
const PLUGIN = "modelarts/plugin";
const TagKey = z
  .string()
  .min(1, "is required")
  .max(128)
  .regex(/^[^=*<>\\,|/]+$/, "has a character TMS refuses");
const TagsBody = z.object({
  tags: z
    .array(z.object({ key: TagKey, value: z.string().max(255).optional() }))
    .min(1, "is required")
    .max(20, "at most 20"),
});
const PluginBody = z.object({
  apiVersion: z.literal("v2", "must be v2").optional(),
  kind: z.literal("Plugin", "must be Plugin").optional(),
  spec: z.object({
    template: z.object({
      name: z.string().min(1).max(64),
      version: z.string().max(64).optional(),
      inputs: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
});
const TemplateParams = z.object({ plugintemplate_name: z.string().max(64) });
const NodeConfigTemplateParams = z.object({ nodeconfigtemplate_name: z.string().max(64) });

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The node-configuration template Corral has: its agent's OS and engine, from the inventory. */
export const NODE_CONFIG_TEMPLATE = "default";

function presentTemplate(core: Core, t: PluginTemplate): Record<string, unknown> {
  const nodes = core.nodes.list();
  return {
    apiVersion: "v2",
    kind: "PluginTemplate",
    metadata: { name: t.name, annotations: {} },
    spec: {
      optional: true,
      type: t.type,
      logo_url: "",
      description: t.description,
      versions: versionsOn(t, nodes).map((version) => ({
        version,
        creation_timestamp: "",
        inputs: {},
        translate: {},
        description: `${t.name} ${version}, reported by the nodes`,
        detail: "",
      })),
    },
  };
}

/** A stored plug-in of a pool, Running when every node it applies to reports its version. */
function presentPlugin(
  core: Core,
  cluster: Cluster,
  record: { name: string; data: Record<string, unknown>; createdAt: number },
) {
  const t = findTemplate(record.name);
  const version = typeof record.data.version === "string" ? record.data.version : "";
  const nodes = core.nodes.list({ clusterId: cluster.id });
  const off = t ? nodes.filter((n) => t.versionOf(n) !== null && t.versionOf(n) !== version) : [];
  return {
    apiVersion: "v2",
    kind: "Plugin",
    metadata: { name: record.name, creationTimestamp: iso(record.createdAt) },
    spec: { template: { name: record.name, version, inputs: record.data.inputs ?? {} } },
    status: {
      phase: off.length === 0 ? "Running" : "Abnormal",
      version,
      reason:
        off.length === 0
          ? ""
          : `${off.length} node(s) report another version: ${off.map((n) => n.name).join(", ")}`,
      values: "",
      resources: [],
    },
  };
}

/**
 * Records about pools: resource tags, plug-ins and plug-in templates, node configuration and its
 * templates, the OS configuration, and orders (not supported: they need Huawei's billing).
 */
export function poolRecordRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  const auth = compose([poolErrors(), deps.auth]);
  const admin = compose([auth, adminOnly(core.authz)]);
  const params = validate(PoolParams, "params");
  const tagsOf = (c: Cluster) =>
    core.clusterRecords.list(c.id, TAG).map((r) => ({ key: r.name, value: String(r.data.value ?? "") }));

  // Tags: every pool's keys with their values (for filters), one pool's, add and remove in batches.
  router.get("/v1/:project_id/pools/tags", auth, (ctx) => {
    const values = new Map<string, Set<string>>();
    for (const r of core.clusterRecords.listKind(TAG)) {
      const set = values.get(r.name) ?? new Set<string>();
      set.add(String(r.data.value ?? ""));
      values.set(r.name, set);
    }
    ctx.body = { tags: [...values.entries()].map(([key, v]) => ({ key, values: [...v].sort() })) };
  });
  router.get("/v1/:project_id/pools/:pool_name/tags", auth, params, (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    ctx.body = { tags: tagsOf(c).map((t) => ({ key: t.key, values: [t.value] })) };
  });
  router.post("/v1/:project_id/pools/:pool_name/tags/create", admin, params, validate(TagsBody), (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    for (const t of input(ctx, TagsBody).tags)
      core.clusterRecords.put(c.id, TAG, t.key, { value: t.value ?? "" });
    ctx.status = 204;
  });
  router.delete("/v1/:project_id/pools/:pool_name/tags/delete", admin, params, validate(TagsBody), (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    for (const t of input(ctx, TagsBody).tags) {
      const known = core.clusterRecords.find(c.id, TAG, t.key);
      // TMS semantics: a value given must match; no value removes the key whatever its value.
      if (known && (t.value === undefined || known.data.value === t.value))
        core.clusterRecords.remove(c.id, TAG, t.key);
    }
    ctx.status = 204;
  });

  // Plug-in templates (from what the nodes report) and a pool's plug-ins (stored).
  router.get("/v2/:project_id/plugintemplates", auth, (ctx) => {
    ctx.body = {
      apiVersion: "v2",
      kind: "List",
      items: PLUGIN_TEMPLATES.map((t) => presentTemplate(core, t)),
    };
  });
  router.get(
    "/v1/:project_id/plugintemplates/:plugintemplate_name",
    auth,
    validate(TemplateParams, "params"),
    (ctx) => {
      const name = input(ctx, TemplateParams).plugintemplate_name;
      const t = findTemplate(name);
      if (!t) throw new ModelArtsError(404, POOL_ERRORS.notFound, `PluginTemplate ${name} not found.`);
      ctx.body = presentTemplate(core, t);
    },
  );
  router.get("/v2/:project_id/pools/:pool_name/plugins", auth, params, (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    ctx.body = {
      apiVersion: "v2",
      kind: "List",
      items: core.clusterRecords.list(c.id, PLUGIN).map((r) => presentPlugin(core, c, r)),
    };
  });
  router.post("/v2/:project_id/pools/:pool_name/plugins", admin, params, validate(PluginBody), (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    const { template } = input(ctx, PluginBody).spec;
    const t = findTemplate(template.name);
    if (!t)
      throw new ModelArtsError(
        400,
        POOL_ERRORS.badRequest,
        `Bad request. unknown plugin template ${template.name}`,
      );
    const versions = versionsOn(t, core.nodes.list({ clusterId: c.id }));
    const version = template.version ?? versions.at(-1) ?? "";
    const record = core.clusterRecords.put(c.id, PLUGIN, t.name, { version, inputs: template.inputs ?? {} });
    ctx.body = presentPlugin(core, c, record);
  });

  // Node configuration: what the pool's nodes run, from the inventory.
  router.get("/v2/:project_id/pools/:pool_name/node-config", auth, params, (ctx) => {
    const c = findPool(core, input(ctx, PoolParams).pool_name);
    const nodes = core.nodes.list({ clusterId: c.id });
    const distinct = (xs: (string | null | undefined)[]) =>
      [...new Set(xs.filter((x): x is string => !!x))].sort();
    ctx.body = {
      apiVersion: "v2",
      kind: "NodeConfig",
      metadata: { name: c.name },
      spec: {
        configs: {
          os: distinct(nodes.map((n) => n.hardware && `${n.hardware.os.distro} ${n.hardware.os.release}`)),
          containerRuntime: distinct(
            nodes.map((n) => n.runtime && `${n.runtime.name} ${n.runtime.version ?? ""}`.trim()),
          ),
          gpuDriver: distinct(nodes.map((n) => n.hardware?.driverVersion)),
          agentVersion: distinct(nodes.map((n) => n.agentVersion)),
        },
      },
      status: { phase: nodes.every((n) => n.status === "ready") ? "Succeeded" : "Pending" },
    };
  });
  const templateBody = () => ({
    os_list: [
      ...new Set(
        core.nodes.list().map((n) => n.hardware && `${n.hardware.os.distro} ${n.hardware.os.release}`),
      ),
    ]
      .filter((x): x is string => !!x)
      .sort()
      .map((name) => ({ name, image_id: "", preferred: false, eos: false, offline: false })),
  });
  router.get("/v2/:project_id/pools/:pool_name/node-config-template", auth, params, (ctx) => {
    findPool(core, input(ctx, PoolParams).pool_name);
    ctx.body = {
      apiVersion: "v2",
      kind: "NodeConfigTemplate",
      metadata: { name: NODE_CONFIG_TEMPLATE },
      spec: { templates: [{ name: NODE_CONFIG_TEMPLATE, ...templateBody() }] },
    };
  });
  router.get(
    "/v1/:project_id/nodeconfigtemplates/:nodeconfigtemplate_name",
    auth,
    validate(NodeConfigTemplateParams, "params"),
    (ctx) => {
      const name = input(ctx, NodeConfigTemplateParams).nodeconfigtemplate_name;
      if (name !== NODE_CONFIG_TEMPLATE)
        throw new ModelArtsError(404, POOL_ERRORS.notFound, `NodeConfigTemplate ${name} not found.`);
      ctx.body = { apiVersion: "v1", kind: "NodeConfigTemplate", metadata: { name }, spec: templateBody() };
    },
  );

  router.get("/v1/:project_id/os-user-config", auth, (ctx) => {
    ctx.body = {
      network_cidrs: [],
      network_quota: MAX_NETWORKS,
      pool_quota: POOL_QUOTA,
      pool_high_available: false,
    };
  });
}

/** How many network records the hub keeps. @default 15 (ModelArts's own default quota) */
export const MAX_NETWORKS = 15;
