import { z } from "zod";

/** Request schemas of the Run:ai projects API (swagger v1.224.0, docs/compat/runai.md §1). */

const amount = z.number().min(0, "must be >= 0");
/** -1 means unlimited. */
const limit = z.number().refine((v) => v === -1 || v >= 0, "must be -1 (unlimited) or >= 0");
const weight = z.number().min(0, "must be >= 0");

const Quota = z.object({
  deserved: amount.optional(),
  limit: limit.nullable().optional(),
  overQuotaWeight: weight.nullable().optional(),
});

const ResourcesFields = {
  nodePool: z
    .object({ id: z.string().min(1, "is required"), name: z.string().optional() })
    .nullable()
    .optional(),
  cpu: Quota.nullable().optional(),
  memory: Quota.extend({ units: z.enum(["Mib", "MB", "GB"], "must be Mib, MB or GB") })
    .nullable()
    .optional(),
  priority: z.string().nullable().optional(),
};

/** The swagger's ResourcesNullable (departments): `gpu` may be left out. */
export const ResourcesNullableInput = z.object({ ...ResourcesFields, gpu: Quota.optional() });
/** A project's resources as the API document gives them: `gpu` is required. */
export const ResourcesInput = z.object({ ...ResourcesFields, gpu: z.object(Quota.shape, "is required") });
export type ResourcesInput = z.infer<typeof ResourcesNullableInput>;

const seconds = z.number().int().min(1, "must be >= 1").nullable().optional();
export const SchedulingRules = z.object({
  interactiveJobTimeLimitSeconds: seconds,
  interactiveJobMaxIdleDurationSeconds: seconds,
  interactiveJobPreemptIdleDurationSeconds: seconds,
  trainingJobMaxIdleDurationSeconds: seconds,
  trainingJobTimeLimitSeconds: seconds,
});

const NodeTypes = z.object({
  training: z.array(z.string()).default([]),
  workspace: z.array(z.string()).default([]),
  names: z.record(z.string(), z.string()).optional(),
});

/** A Kubernetes name; the namespace is runai-<name>, so at most 57 characters. */
export const ProjectName = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,55}[a-z0-9])?$/,
    "must start with a letter and hold lowercase letters, digits or '-' (at most 57)",
  );

const Common = {
  description: z.string().max(1024).optional(),
  requestedNamespace: z.string().nullable().optional(),
  enforceRunaiScheduler: z.boolean().optional(),
  schedulingRules: SchedulingRules.nullable().optional(),
  defaultNodePools: z.array(z.string()).nullable().optional(),
  nodeTypes: NodeTypes.nullable().optional(),
};

export const ProjectCreate = z.object({
  name: ProjectName,
  clusterId: z.string().min(1, "is required"),
  parentId: z.string().min(1).optional(),
  resources: z.array(ResourcesInput),
  ...Common,
});

export const ProjectUpdate = z.object({ resources: z.array(ResourcesInput), ...Common });

/** PUT/PATCH .../projects/{id}/resources. */
export const ResourcesList = z.array(ResourcesInput);
/** PUT/PATCH .../departments/{id}/resources. */
export const DepartmentResourcesList = z.array(ResourcesNullableInput);

const DepartmentCommon = {
  description: z.string().max(1024).optional(),
  schedulingRules: SchedulingRules.nullable().optional(),
  defaultNodePools: z.array(z.string()).nullable().optional(),
  nodeTypes: NodeTypes.nullable().optional(),
};

export const DepartmentCreate = z.object({
  name: ProjectName,
  clusterId: z.string().min(1, "is required"),
  resources: z.array(ResourcesNullableInput).default([]),
  ...DepartmentCommon,
});

/** PUT /api/v1/org-unit/departments/{id} (DepartmentUpdateRequest): `resources` required. */
export const DepartmentUpdate = z.object({ resources: z.array(ResourcesNullableInput), ...DepartmentCommon });

/** PUT /v1/k8s/clusters/{clusterId}/departments/{id}/access-control. */
export const DepartmentAccessControl = z.object({
  departmentId: z.number().int().optional(),
  departmentAdmins: z.array(z.string()).default([]),
});

/**
 * The token request's fields, keyed by their name lowercased without `_` or `-`: Run:ai matches
 * keys case-insensitively (runapy sends `AppId`/`AppSecret`, the swagger `appID`/`clientID`).
 */
const TOKEN_KEYS: Record<string, string> = Object.fromEntries(
  [
    "grantType",
    "username",
    "password",
    "clientID",
    "clientSecret",
    "appID",
    "appSecret",
    "refreshToken",
    "externalToken",
    "code",
    "redirectUri",
  ].map((k) => [k.toLowerCase(), k]),
);

/** A token body with its keys spelled as the swagger does (unknown keys kept as they are). */
export function canonicalTokenKeys(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const key = TOKEN_KEYS[k.toLowerCase().replace(/[-_]/g, "")] ?? k;
    if (out[key] === undefined) out[key] = v;
  }
  return out;
}

/** POST /api/v1/token: each grant type with the fields it needs (clientID may be appID, etc.). */
export const TokenBody = z.preprocess(
  canonicalTokenKeys,
  z
    .object({
      grantType: z.enum(
        ["password", "app_token", "client_credentials", "refresh_token", "exchange_token"],
        "unsupported grantType",
      ),
      username: z.string().optional(),
      password: z.string().optional(),
      clientID: z.string().nullable().optional(),
      clientSecret: z.string().nullable().optional(),
      appID: z.string().nullable().optional(),
      appSecret: z.string().nullable().optional(),
      refreshToken: z.string().optional(),
    })
    .superRefine((b, ctx) => {
      const need = (v: string | null | undefined, field: string) => {
        if (!v)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `is required for grantType ${b.grantType}`,
          });
      };
      switch (b.grantType) {
        case "password":
          need(b.username, "username");
          need(b.password, "password");
          break;
        case "app_token":
        case "client_credentials":
          need(b.clientID ?? b.appID, "clientID");
          need(b.clientSecret ?? b.appSecret, "clientSecret");
          break;
        case "refresh_token":
          need(b.refreshToken, "refreshToken");
          break;
        default:
          ctx.addIssue({
            code: "custom",
            path: ["grantType"],
            message: `${b.grantType} is not supported by this hub`,
          });
      }
    }),
);
export type TokenBody = z.infer<typeof TokenBody>;

const DeprecatedAmount = z.object({
  deserved: amount.optional(),
  maxAllowed: limit.optional(),
  overQuotaWeight: weight.optional(),
});

/** A pool named by its deprecated integer id, its name, or both (the swagger requires the id). */
const DeprecatedPool = z
  .object({ id: z.union([z.number(), z.string()]).optional(), name: z.string().min(1).optional() })
  .refine((p) => p.id !== undefined || p.name !== undefined, "needs id or name");

/** The deprecated `resources` total: the one node pool's amounts (single-pool hubs only). */
export const DeprecatedTotal = z.object({
  id: z.number().optional(),
  gpu: DeprecatedAmount.optional(),
  cpu: DeprecatedAmount.optional(),
  memory: DeprecatedAmount.optional(),
});
export type DeprecatedTotal = z.infer<typeof DeprecatedTotal>;

const Affinity = z.object({
  affinityType: z.enum(["no_limit", "only_selected"]).optional(),
  selectedTypes: z.array(z.object({ id: z.number().optional(), name: z.string().optional() })).optional(),
});

export const DeprecatedProject = z.object({
  name: ProjectName,
  departmentId: z.number().int().min(0, "must be >= 0"),
  description: z.string().optional(),
  namespace: z.string().optional(),
  deservedGpus: amount.optional(),
  maxAllowedGpus: limit.optional(),
  /** The document's range: a number 0..3 (not only the legacy levels 0, 1, 2, 3). */
  gpuOverQuotaWeight: z.number().min(0, "must be 0..3").max(3, "must be 0..3").optional(),
  defaultNodePools: z.array(z.string()).optional(),
  interactiveJobTimeLimitSecs: z.number().int().min(1).nullable().optional(),
  interactiveJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  interactivePreemptibleJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  trainingJobTimeLimitSecs: z.number().int().min(1).nullable().optional(),
  trainingJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  nodeAffinity: z.object({ train: Affinity.optional(), interactive: Affinity.optional() }).optional(),
  /** Deprecated; access rules are not emulated, so it is accepted and not kept. */
  permissions: z
    .object({
      users: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      applications: z.array(z.string()).optional(),
    })
    .optional(),
  resources: DeprecatedTotal.optional(),
  nodePoolsResources: z
    .array(
      z.object({
        id: z.number().optional(),
        nodePool: DeprecatedPool,
        gpu: DeprecatedAmount.optional(),
        cpu: DeprecatedAmount.optional(),
        memory: DeprecatedAmount.optional(),
      }),
    )
    .optional(),
});
export type DeprecatedProject = z.infer<typeof DeprecatedProject>;
export const DeprecatedProjectUpdate = DeprecatedProject.partial({ name: true, departmentId: true });
