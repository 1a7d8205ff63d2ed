import { z } from "zod";
import { PRIORITY_CLASS_NAMES } from "../../core/priority-classes";

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
  ports: z.array(Port).max(64).default([]),
  nodeSelector: z.array(z.string().min(1)).default([]),
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
});

export const WorkloadListQuery = z.object({
  state: z.enum(["pending", "running", "stopping", "succeeded", "failed", "stopped"]).optional(),
  limit: z.coerce.number().int().min(1).max(10000).optional(),
});

export const LogsQuery = z.object({ tail: z.coerce.number().int().min(0).default(0) });
export const ClusterQuery = z.object({ cluster: z.string().min(1).optional() });
