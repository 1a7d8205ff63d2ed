import { z } from "zod";

/** ListPoolNodes / ListNodePoolNodes query: `limit` 0-500 (0 or absent: 500), `continue` from the last page. */
export const NodeListQuery = z.object({
  limit: z.coerce
    .number()
    .int("must be an integer")
    .min(0, "must be 0-500")
    .max(500, "must be 0-500")
    .optional(),
  continue: z.string().max(512).optional(),
});

const names = (max?: number) => {
  const list = z.array(z.string().min(1, "must not be empty").max(253)).min(1, "must name at least one node");
  return max === undefined ? list : list.max(max, `at most ${max} nodes`);
};

/** BatchLockPoolNodesRequestBody (lock and unlock): `actions` as documented (e.g. ["delete"]). */
export const LockBody = z.object({
  nodeNames: names(),
  actions: z.array(z.string().min(1)).optional(),
});

/** BatchDrainPoolNodes: at most 10 nodes per call. */
export const DrainBody = z.object({ nodeNames: names(10) });

/** NodesDeletionRequest. */
export const DeleteBody = z.object({ deleteNodeNames: names() });

const Tag = z.object({
  key: z.string().min(1, "is required").max(128),
  value: z.string().max(255).default(""),
});

/** BatchUpdatePoolNodesRequestBody. */
export const UpdateBody = z.object({
  nodeNames: names(),
  action: z.enum(
    ["openHaRedundant", "closeHaRedundant", "createTags", "deleteTags"],
    "must be openHaRedundant, closeHaRedundant, createTags or deleteTags",
  ),
  haRedundantEnable: z.boolean().optional(),
  haRedundantEffect: z.enum(["NoSchedule", "NoExecute"], "must be NoSchedule or NoExecute").optional(),
  driver: z.object({ version: z.string().optional(), updateStrategy: z.string().optional() }).optional(),
  tags: z.array(Tag).max(64, "at most 64 tags").optional(),
});

/** NodeBatchMigrationRequest: the target node pool is `resourceSpec.nodePool`. */
export const MigrateBody = z.object({
  migrateNodeNames: names(),
  fromClusterName: z.string().optional(),
  toClusterName: z.string().optional(),
  toPoolName: z.string().optional(),
  resourceSpec: z
    .object({ nodePool: z.string().min(1).optional(), flavor: z.string().optional() })
    .passthrough()
    .optional(),
});

/** BatchBindPoolNodesReq: each node's logical sub-pool (`quotaName`; absent: none). */
export const BindBody = z.object({
  nodes: z
    .array(
      z.object({
        name: z.string().min(1, "is required").max(253),
        quotaName: z.string().max(253).optional(),
      }),
    )
    .min(1, "must name at least one node"),
  drain: z.boolean().optional(),
});

/** BatchRebootPoolNodesRequestBody, and the node lists of reset and resize. */
export const NodeNamesBody = z.object({ nodeNames: z.array(z.string()).optional() }).passthrough();
