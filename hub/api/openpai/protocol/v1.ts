import { z } from "zod";
import { invalidParameters } from "../errors";
import { envOf, type JobSpec } from "./job-spec";
import { describeIssue } from "./v2";

/**
 * The YARN-era v1 job config (JSON; Joi schema config/job.js of v0.14.0, docs/compat/openpai.md §4), with its
 * defaults. Unknown keys are refused. Numbers may arrive as strings: the v1 SDK client posts the
 * config form-encoded.
 */
const asNumber = (v: unknown) =>
  typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : v;
const int = (min: number) => z.preprocess(asNumber, z.number().int().min(min));
const nullableCount = z.preprocess(
  (v) => (v === "" ? null : asNumber(v)),
  z.number().int().min(1).nullable(),
);

const Port = z.strictObject({
  label: z.string().regex(/^[A-Za-z0-9_]+$/),
  beginAt: int(0).default(0),
  portNumber: int(1).default(1),
});

const Role = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._~]+$/, "must match ^[A-Za-z0-9._~]+$"),
  taskNumber: int(1).default(1),
  cpuNumber: int(1).default(1),
  memoryMB: int(100).default(100),
  shmMB: int(1).default(64),
  gpuNumber: int(0).default(0),
  portList: z.array(Port).default([]),
  command: z.string().min(1),
  minFailedTaskCount: nullableCount.default(1),
  minSucceededTaskCount: nullableCount.default(null),
});

export const V1Config = z.strictObject({
  jobName: z.string().regex(/^[A-Za-z0-9\-._]+$/, "must match ^[A-Za-z0-9\\-._]+$"),
  image: z.string().min(1),
  authFile: z.string().default(""),
  dataDir: z.string().default(""),
  outputDir: z.string().default(""),
  codeDir: z.string().default(""),
  virtualCluster: z.string().default("default"),
  gpuType: z.string().optional(),
  retryCount: int(-2).default(0),
  jobEnvs: z.record(z.string(), z.unknown()).default({}),
  extras: z.record(z.string(), z.unknown()).optional(),
  killAllOnCompletedTaskNumber: int(0).optional(),
  taskRoles: z.array(Role).min(1),
});
export type V1Config = z.infer<typeof V1Config>;

/** Validates a v1 config (400 InvalidParametersError) and turns it into a JobSpec for `user`. */
export function parseV1(
  body: unknown,
  user: string,
  nameOverride?: string,
): { config: V1Config; spec: JobSpec } {
  const input =
    nameOverride !== undefined && typeof body === "object" && body !== null
      ? { ...body, jobName: nameOverride }
      : body;
  const result = V1Config.safeParse(input ?? {});
  if (!result.success) throw invalidParameters(describeIssue(result.error, "body"));
  const c = result.data;
  for (const [i, r] of c.taskRoles.entries()) {
    if (r.shmMB > r.memoryMB) throw invalidParameters(`taskRoles.${i}.shmMB: must not exceed memoryMB`);
    for (const key of ["minFailedTaskCount", "minSucceededTaskCount"] as const) {
      const n = r[key];
      if (n !== null && n > r.taskNumber)
        throw invalidParameters(`taskRoles.${i}.${key}: ${n} is larger than taskNumber ${r.taskNumber}`);
    }
  }
  // $PAI_* in the directory settings are expanded here: container env is not shell-expanded.
  const expand = (s: string) =>
    s
      .replace(/\$PAI_DEFAULT_FS_URI/g, "")
      .replace(/\$PAI_USER_?NAME/g, user)
      .replace(/\$PAI_JOB_NAME/g, c.jobName);
  const env = {
    ...envOf(c.jobEnvs),
    PAI_DEFAULT_FS_URI: "",
    PAI_DATA_DIR: expand(c.dataDir),
    PAI_OUTPUT_DIR: expand(c.outputDir || `$PAI_DEFAULT_FS_URI/Output/${user}/${c.jobName}`),
    PAI_CODE_DIR: expand(c.codeDir),
  };
  return {
    config: c,
    spec: {
      format: "v1",
      name: c.jobName,
      virtualCluster: c.virtualCluster,
      jobRetryCount: Math.max(0, c.retryCount),
      gang: true,
      storages: [],
      roles: c.taskRoles.map((r) => ({
        name: r.name,
        instances: r.taskNumber,
        image: c.image,
        commands: [r.command],
        cpu: r.cpuNumber,
        memoryMB: r.memoryMB,
        gpu: r.gpuNumber,
        ports: Object.fromEntries(r.portList.map((p) => [p.label, p.portNumber])),
        taskRetryCount: 0,
        minFailedInstances: r.minFailedTaskCount,
        minSucceededInstances: r.minSucceededTaskCount,
        env,
      })),
    },
  };
}
