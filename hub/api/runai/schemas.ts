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

export const ResourcesInput = z.object({
  nodePool: z
    .object({ id: z.string().min(1, "is required"), name: z.string().optional() })
    .nullable()
    .optional(),
  gpu: Quota.optional(),
  cpu: Quota.nullable().optional(),
  memory: Quota.extend({ units: z.enum(["Mib", "MB", "GB"], "must be Mib, MB or GB") })
    .nullable()
    .optional(),
  priority: z.string().nullable().optional(),
});
export type ResourcesInput = z.infer<typeof ResourcesInput>;

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

export const ResourcesList = z.array(ResourcesInput);

export const DepartmentCreate = z.object({
  name: ProjectName,
  clusterId: z.string().min(1, "is required"),
  resources: z.array(ResourcesInput).default([]),
  description: z.string().optional(),
});

/** POST /api/v1/token: each grant type with the fields it needs (clientID may be appID, etc.). */
export const TokenBody = z
  .object({
    grantType: z.enum(
      ["password", "app_token", "client_credentials", "refresh_token", "exchange_token"],
      "unsupported grantType",
    ),
    username: z.string().optional(),
    password: z.string().optional(),
    clientID: z.string().optional(),
    clientSecret: z.string().optional(),
    appID: z.string().optional(),
    appSecret: z.string().optional(),
    refreshToken: z.string().optional(),
  })
  .superRefine((b, ctx) => {
    const need = (v: string | undefined, field: string) => {
      if (!v)
        ctx.addIssue({ code: "custom", path: [field], message: `is required for grantType ${b.grantType}` });
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
  });
export type TokenBody = z.infer<typeof TokenBody>;

const DeprecatedAmount = z.object({
  deserved: amount.optional(),
  maxAllowed: limit.optional(),
  overQuotaWeight: weight.optional(),
});

export const DeprecatedProject = z.object({
  name: ProjectName,
  departmentId: z.number().int().min(0, "must be >= 0"),
  description: z.string().optional(),
  deservedGpus: amount.optional(),
  maxAllowedGpus: limit.optional(),
  gpuOverQuotaWeight: z.number().int().min(0).max(3, "must be 0..3").optional(),
  defaultNodePools: z.array(z.string()).optional(),
  interactiveJobTimeLimitSecs: z.number().int().min(1).nullable().optional(),
  interactiveJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  interactivePreemptibleJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  trainingJobTimeLimitSecs: z.number().int().min(1).nullable().optional(),
  trainingJobMaxIdleDurationSecs: z.number().int().min(1).nullable().optional(),
  nodePoolsResources: z
    .array(
      z.object({
        id: z.number().optional(),
        nodePool: z.object({ id: z.union([z.number(), z.string()]).optional(), name: z.string().min(1) }),
        gpu: DeprecatedAmount.optional(),
        cpu: DeprecatedAmount.optional(),
        memory: DeprecatedAmount.optional(),
      }),
    )
    .optional(),
});
export type DeprecatedProject = z.infer<typeof DeprecatedProject>;
export const DeprecatedProjectUpdate = DeprecatedProject.partial({ name: true, departmentId: true });
