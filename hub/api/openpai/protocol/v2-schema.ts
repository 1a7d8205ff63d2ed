import { z } from "zod";

/**
 * OpenPAI job protocol v2 as the rest-server validates it (config/v2/protocol.js, an ajv draft-07
 * schema; docs/compat/openpai.md §3). Closed objects are strict (additionalProperties:false), open ones loose.
 */
const NAME = /^[a-zA-Z0-9_-]+$/;
/** Task role and port label names: valid C identifiers. */
export const ROLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const int = z.number().int();
const strings = z.array(z.string());
const info = {
  protocolVersion: z.union([z.literal(2), z.literal("2")]).optional(),
  version: z.union([z.string(), z.number()]).optional(),
  contributor: z.string().optional(),
  description: z.string().optional(),
};

const DockerImage = z.strictObject({
  ...info,
  name: z.string(),
  type: z.literal("dockerimage"),
  uri: z.string(),
  auth: z
    .strictObject({
      username: z.string().optional(),
      password: z.string().optional(),
      registryuri: z.string().optional(),
    })
    .optional(),
});
const ScriptOrOutput = z.looseObject({
  ...info,
  name: z.string(),
  type: z.enum(["script", "output"]),
  uri: z.string().optional(),
});
const Data = z.looseObject({
  ...info,
  name: z.string(),
  type: z.literal("data"),
  uri: z.array(z.string()).min(1).optional(),
});
export const Prerequisite = z.discriminatedUnion("type", [DockerImage, ScriptOrOutput, Data]);

const Ports = z
  .record(z.string().regex(ROLE_NAME, "port labels must be valid C identifiers"), int.min(0))
  .refine((p) => Object.keys(p).length >= 1, "must have at least one port label");

const TaskRole = z.strictObject({
  instances: int.min(1).default(1),
  completion: z
    .strictObject({
      minFailedInstances: int.nullable().optional(),
      minSucceededInstances: int.nullable().optional(),
    })
    .optional(),
  taskRetryCount: int.min(0).optional(),
  prerequisites: strings.optional(),
  dockerImage: z.string(),
  data: z.string().optional(),
  output: z.string().optional(),
  script: z.string().optional(),
  extraContainerOptions: z
    .looseObject({ shmMB: int.optional(), infiniband: z.boolean().optional() })
    .optional(),
  resourcePerInstance: z.strictObject({ cpu: int, memoryMB: int, gpu: int, ports: Ports.optional() }),
  commands: strings.min(1),
});

const Deployment = z.looseObject({
  name: z.string(),
  taskRoles: z.record(
    z.string(),
    z.looseObject({ preCommands: strings.min(1).optional(), postCommands: strings.min(1).optional() }),
  ),
});

export const JobProtocol = z.strictObject({
  ...info,
  protocolVersion: z.union([z.literal(2), z.literal("2")]),
  name: z.string().min(1).max(255).regex(NAME, "must match ^[a-zA-Z0-9_-]+$"),
  type: z.literal("job"),
  parameters: z.record(z.string(), z.unknown()).optional(),
  secrets: z.record(z.string(), z.unknown()).optional(),
  jobRetryCount: int.min(0).optional(),
  prerequisites: z.array(Prerequisite).min(1).optional(),
  taskRoles: z
    .record(z.string().regex(ROLE_NAME, "task role names must be valid C identifiers"), TaskRole)
    .refine((r) => Object.keys(r).length >= 1, "must have at least one task role"),
  deployments: z.array(Deployment).min(1).optional(),
  defaults: z
    .looseObject({ deployment: z.string().optional(), virtualCluster: z.string().optional() })
    .optional(),
  extras: z.record(z.string(), z.unknown()).optional(),
});

export type JobProtocol = z.infer<typeof JobProtocol>;
export type TaskRoleProtocol = z.infer<typeof TaskRole>;
export type PrerequisiteProtocol = z.infer<typeof Prerequisite>;
