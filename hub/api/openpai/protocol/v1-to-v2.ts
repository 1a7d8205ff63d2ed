import type { V1Config } from "./v1";
import { ROLE_NAME } from "./v2-schema";

/** The one docker image of a v1 job, as the v2 prerequisite its task roles name. */
const IMAGE = "image";

/** A v1 role name (`[A-Za-z0-9._~]+`) as a v2 one (a C identifier): other characters become `_`. */
function roleName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
  return ROLE_NAME.test(safe) ? safe : `_${safe}`;
}

/**
 * A stored v1 config as a v2 protocol object: what `GET /api/v2/jobs/:fw/config` hands back for a
 * v1 job ("old job config in v1 format will be converted automatically"). jobEnvs become
 * parameters; the HDFS directories have no v2 field and are dropped.
 */
export function v1ToV2(c: V1Config): Record<string, unknown> {
  const taskRoles = Object.fromEntries(
    c.taskRoles.map((r) => [
      roleName(r.name),
      {
        instances: r.taskNumber,
        completion: {
          minFailedInstances: r.minFailedTaskCount,
          minSucceededInstances: r.minSucceededTaskCount,
        },
        dockerImage: IMAGE,
        resourcePerInstance: {
          cpu: r.cpuNumber,
          memoryMB: r.memoryMB,
          gpu: r.gpuNumber,
          ...(r.portList.length
            ? { ports: Object.fromEntries(r.portList.map((p) => [p.label, p.portNumber])) }
            : {}),
        },
        commands: [r.command],
        extraContainerOptions: { shmMB: r.shmMB },
      },
    ]),
  );
  return {
    protocolVersion: 2,
    name: c.jobName,
    type: "job",
    jobRetryCount: Math.max(0, c.retryCount),
    prerequisites: [{ protocolVersion: 2, name: IMAGE, type: "dockerimage", uri: c.image }],
    ...(Object.keys(c.jobEnvs).length ? { parameters: c.jobEnvs } : {}),
    taskRoles,
    defaults: { virtualCluster: c.virtualCluster },
    ...(c.extras ? { extras: c.extras } : {}),
  };
}
