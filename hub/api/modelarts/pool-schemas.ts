import { z } from "zod";

/** A node pool's name inside a resource pool (the core name prefixes the pool's). */
export const NODE_POOL_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const npName = z.string().regex(NODE_POOL_NAME, "must be 1-40 lowercase letters, digits or '-'");
const count = z.number().int("must be a whole number").min(0, "must be >= 0").max(10_000, "must be <= 10000");

/** One desired flavor of a pool (PoolResource / PoolSpecUpdateResources of the SDK). */
export const PoolResourceSchema = z.object({
  flavor: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "must be a flavor id"),
  count,
  maxCount: count.optional(),
  nodePool: npName.optional(),
});

const Scope = z.array(z.enum(["Train", "Infer", "Notebook"], "must be Train, Infer or Notebook")).max(3);

export const CreatePoolBody = z.object({
  apiVersion: z.literal("v2", "must be v2"),
  kind: z.literal("Pool", "must be Pool"),
  metadata: z.object({
    labels: z.object({
      "os.modelarts/name": z
        .string()
        .regex(/^[a-z0-9-]{4,64}$/, "must be 4-64 lowercase letters, digits or '-'"),
      "os.modelarts/workspace.id": z.string().max(64).optional(),
      "os.modelarts/node.prefix": z.string().max(32).optional(),
    }),
    annotations: z.record(z.string(), z.string().max(1024)).optional(),
  }),
  spec: z
    .object({
      type: z.enum(["Dedicate", "Logical"], "must be Dedicate or Logical").optional(),
      scope: Scope.optional(),
      resources: z.array(PoolResourceSchema).max(50, "at most 50").optional(),
      jobFlavors: z.array(z.string().max(128)).max(100).optional(),
    })
    .optional(),
});

/** A merge patch: null removes a label or annotation; listed resources update their node pool. */
export const PatchPoolBody = z.object({
  metadata: z
    .object({
      labels: z.record(z.string(), z.string().nullable()).optional(),
      annotations: z.record(z.string(), z.string().max(1024).nullable()).optional(),
    })
    .optional(),
  spec: z
    .object({
      scope: Scope.optional(),
      resources: z.array(PoolResourceSchema).max(50, "at most 50").optional(),
      jobFlavors: z.array(z.string().max(128)).max(100).optional(),
    })
    .optional(),
});

export const ListPoolsQuery = z.object({
  workspaceId: z.string().max(64).optional(),
  labelSelector: z.string().max(1024).optional(),
  status: z.string().max(32).optional(),
});

export const PoolParams = z.object({ pool_name: z.string().min(1).max(128) });
export const NodePoolParams = z.object({
  pool_name: z.string().min(1).max(128),
  nodepool_name: z.string().max(64),
});

export const CreateNodePoolBody = z.object({
  apiVersion: z.literal("v2", "must be v2").optional(),
  kind: z.literal("NodePool", "must be NodePool").optional(),
  metadata: z.object({ name: npName, annotations: z.record(z.string(), z.string()).optional() }),
  spec: z.object({ resources: PoolResourceSchema.omit({ nodePool: true }) }),
});

export const PatchNodePoolBody = z.object({
  metadata: z.object({ annotations: z.record(z.string(), z.string().nullable()).optional() }).optional(),
  spec: z
    .object({
      resources: z.object({
        flavor: PoolResourceSchema.shape.flavor.optional(),
        count: count.optional(),
        maxCount: count.optional(),
      }),
    })
    .optional(),
});
