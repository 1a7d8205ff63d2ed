import { z } from "zod";
import { PRIORITY_CLASS_NAMES } from "../../core/priority-classes";
import { ContinueParam, PageLimit } from "./page";

/** Request schemas of the native API (docs/native-api.md). */
export const LoginBody = z.object({
  username: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
});

export const LabelBody = z.object({ label: z.string().min(1, "is required") });

export const ClusterBody = z.object({ name: z.string().min(1, "is required") });

export const JoinTokenBody = z.object({
  description: z.string().max(256).optional(),
  ttlSeconds: z.number().int().positive().optional(),
  cluster: z.string().min(1).optional(),
  /** Label patterns (`gpu`, `zone=*`) its nodes may set themselves; absent: any label. */
  allowedLabels: z.array(z.string().min(1).max(253)).max(256).optional(),
});

const Port = z.object({
  name: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_-]{0,31}$/,
      "must be 1-32 letters, digits, '_' or '-', starting with a letter",
    ),
  containerPort: z.number().int().min(1).max(65535),
  protocol: z.enum(["tcp", "udp"]).default("tcp"),
  hostPort: z.number().int().min(0).max(65535).default(0),
});

const Volume = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be 1-63 lowercase letters, digits, '_', '.' or '-'"),
  mountPath: z.string().regex(/^\/./, "must be an absolute path other than /").max(4096),
});

/** A lease, in seconds: at most a year. */
const LeaseSec = z
  .number()
  .int()
  .min(1)
  .max(365 * 24 * 3600);

export const WorkloadBody = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be 1-128 letters, digits, '_', '.' or '-'"),
  image: z.string().min(1, "is required").max(512),
  command: z.array(z.string()).default([]),
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"),
      z.string(),
    )
    .default({}),
  instances: z.number().int().min(1).max(1000).default(1),
  resources: z
    .object({
      cpuMilli: z.number().int().min(0).default(0),
      memoryMiB: z.number().int().min(0).default(0),
      gpu: z.number().int().min(0).max(64).default(0),
    })
    .default({ cpuMilli: 0, memoryMiB: 0, gpu: 0 }),
  ports: z
    .array(Port)
    .max(64)
    .default([])
    .superRefine((ports, ctx) => {
      const names = new Set<string>();
      for (const [i, p] of ports.entries()) {
        if (names.has(p.name))
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate port name ${p.name}` });
        names.add(p.name);
      }
    }),
  nodeSelector: z.array(z.string().min(1)).default([]),
  /** Node taints the tasks tolerate: [{key, operator Equal|Exists, value, effect}] (core/taints.ts). */
  tolerations: z.array(z.unknown()).max(64).optional(),
  cluster: z.string().min(1).optional(),
  retries: z.number().int().min(0).max(100).default(0),
  gang: z.boolean().default(false),
  disconnectTimeoutSec: z.number().int().min(0).optional(),
  stopGraceSec: z.number().int().min(0).max(3600).optional(),
  /** batch (default), service or interactive; interactive work is not preemptible by default. */
  kind: z.enum(["batch", "service", "interactive"]).optional(),
  /** Quota unit (a Run:ai project, by name; `quotaUnit` may name any unit as kind/name or id). */
  project: z.string().min(1).optional(),
  quotaUnit: z.string().min(1).optional(),
  /** Node pool by name or id. */
  nodePool: z.string().min(1).optional(),
  /** Run:ai priority class (train 50, interactive-preemptible 75, build 100, inference 125) or a number. */
  priorityClass: z.enum(PRIORITY_CLASS_NAMES).optional(),
  priority: z.number().int().optional(),
  preemptible: z.boolean().optional(),
  /** Named volumes of each task, kept on its node across stop and start. */
  volumes: z.array(Volume).max(16).default([]),
  /** Interactive workloads: stop by themselves this long after each start. */
  leaseSec: LeaseSec.optional(),
});

/** Start again; `leaseSec` replaces the lease's duration. */
export const StartBody = z.object({ leaseSec: LeaseSec.optional() });
/** A lease of `durationSec` from now; null removes it. */
export const LeaseBody = z.object({ durationSec: LeaseSec.nullable() });
export const ProlongBody = z.object({ bySec: LeaseSec });

/** The `continue` tokens of GET /workloads carry the last workload's place (newest first). */
export const WORKLOAD_LIST = "workloads";
export const WorkloadListQuery = z.object({
  state: z.enum(["pending", "running", "stopping", "succeeded", "failed", "stopped"]).optional(),
  limit: PageLimit.optional(),
  continue: ContinueParam(WORKLOAD_LIST, z.object({ createdAt: z.number().int(), id: z.string() })),
});

export const LogsQuery = z.object({
  tail: z.coerce.number().int().min(0).default(0),
  /** The task role. @default the workload's only role */
  role: z.string().optional(),
});
export const ClusterQuery = z.object({ cluster: z.string().min(1).optional() });

/** The `continue` tokens of GET /nodes carry the last node's place in the order (name, cluster id). */
export const NODE_LIST = "nodes";
export const NodeListQuery = ClusterQuery.extend({
  limit: PageLimit.optional(),
  continue: ContinueParam(NODE_LIST, z.object({ name: z.string(), clusterId: z.string() })),
});

/** Path parameters: a name or id of the resource the route names. */
const key = z.string().min(1, "is required");
export const IdParams = z.object({ id: key });
export const NodeParams = z.object({ node: key });
export const NodeLabelParams = z.object({ node: key, label: key });
export const ClusterParams = z.object({ cluster: key });
export const ClusterLabelParams = z.object({ cluster: key, label: key });
export const PoolParams = z.object({ pool: key });

const INDEX = "must be a non-negative integer";
export const TaskLogParams = z.object({
  id: key,
  index: z
    .string()
    .refine((v) => Number.isInteger(Number(v)) && Number(v) >= 0, INDEX)
    .transform(Number),
});

/** An ISO 8601 time in a query, as Unix ms. */
const Instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time")
  .transform((s) => Date.parse(s));

/** Per-task metrics history: [from, to), default the last hour; `role` when the workload has several. */
export const TaskMetricsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  role: z.string().min(1).optional(),
});

/** A node's metrics history: [from, to), default the last hour. */
export const NodeMetricsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  cluster: z.string().min(1).optional(),
});
