/**
 * The document's app body (`POST /v1/app`) and its app view (`GET /v1/app`, `/v1/app/id/{id}`),
 * translated to and from a core service template. Units: `minCPU`/`maxCPU` in the body are percent
 * of one core (10 = 100 millicores) and are shown in cores as the document's answers show them;
 * memory in MB (MiB). `minCPU`/`minMemory` are what placement reserves (requests), `maxCPU`/`maxMemory`
 * the container's limits; the autoscaling targets are percent of the requests, as Kubernetes'.
 */
import { z } from "zod";
import type { Core } from "../../core";
import type { ServiceTemplate } from "../../core/services/model";
import { unix } from "./envelope";
import { oteId } from "./ids";
import { deployTypeOf } from "./presenters";

/**
 * What OTE keeps on a template (ServiceTemplate.extension.otestack) that core does not run. Apps
 * made before the spec carried host paths and requests kept `volume` and `minCpuMilli` /
 * `minMemoryMiB` here (shown, never mounted or reserved); newer ones have them in the spec.
 */
export interface OteAppRecord {
  volume?: { path: string; hostPath: string; readOnly: boolean }[];
  minCpuMilli?: number;
  minMemoryMiB?: number;
  /** The command line as sent. */
  command: string;
}

/** A node path as core binds it: absolute, no empty, `.` or `..` segment. */
const HostPath = z.string().refine(
  (p) =>
    p.startsWith("/") &&
    (p === "/" ||
      p
        .slice(1)
        .split("/")
        .every((s) => s !== "" && s !== "." && s !== "..")),
  "must be an absolute path without '.', '..' or '//'",
);

const count = (max: number) => z.number().int().min(0, `must be 0-${max}`).max(max, `must be 0-${max}`);
const percent = z.number().int().min(1, "must be 1-1000 percent").max(1000, "must be 1-1000 percent");

export const DocumentedAppBody = z
  .object({
    appName: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        "must be 1-63 lower-case letters, digits or '-' (DNS label)",
      ),
    deployType: z.enum(["deployment", "daemonset"], { error: "must be deployment or daemonset" }),
    image: z.string().min(1, "is required").max(512).regex(/^\S+$/, "must not contain spaces"),
    version: z.string().regex(/^\d{1,4}\.\d{1,4}$/, "must be a main version x.x"),
    repositoryId: z.string().optional(),
    port: z.array(
      z.object({
        port: z.number().int().min(1, "must be 1-65535").max(65535, "must be 1-65535"),
        hostPort: z.number().int().min(0).max(65535).default(0),
        protocol: z
          .string()
          .transform((s) => s.toLowerCase())
          .pipe(z.enum(["tcp", "udp"], { error: "must be TCP or UDP" }))
          .default("tcp"),
      }),
    ),
    command: z.string().max(4096).default(""),
    volume: z
      .array(
        z.object({
          path: z
            .string()
            .startsWith("/", "must be an absolute path")
            .refine((p) => p !== "/", "must not be /"),
          hostPath: HostPath,
          readOnly: z.boolean().default(false),
        }),
      )
      .default([]),
    env: z
      .array(
        z.object({
          name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"),
          value: z.string(),
        }),
      )
      .default([]),
    replicas: z.number().int().min(1, "must be 1-100").max(100, "must be 1-100").default(1),
    minReplicas: z.number().int().min(1).max(100).default(1),
    maxReplicas: z.number().int().min(1).max(100).default(5),
    minCPU: z.number().int().min(1, "must be 1-6400 percent of a core").max(6400),
    maxCPU: z.number().int().min(1, "must be 1-6400 percent of a core").max(6400),
    GPU: count(64).default(0),
    isHPA: z.boolean(),
    targetCPUUtilization: percent,
    targetMemUtilization: percent,
    minMemory: z.number().int().min(4, "must be 4-1048576 MB").max(1048576),
    maxMemory: z.number().int().min(4, "must be 4-1048576 MB").max(1048576),
    maxUnavailable: count(100),
    maxSurge: count(100),
    minReadySeconds: count(3600),
  })
  .refine((a) => a.maxSurge + a.maxUnavailable > 0, {
    path: ["maxSurge"],
    message: "maxSurge and maxUnavailable cannot both be 0",
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, { path: ["minReplicas"], message: "must be <= maxReplicas" })
  .refine((a) => a.minCPU <= a.maxCPU, { path: ["minCPU"], message: "must be <= maxCPU" })
  .refine((a) => a.minMemory <= a.maxMemory, { path: ["minMemory"], message: "must be <= maxMemory" })
  .refine((a) => new Set(a.volume.map((v) => v.path)).size === a.volume.length, {
    path: ["volume"],
    message: "two volumes have one path",
  })
  .refine((a) => !(a.isHPA && a.deployType === "daemonset"), {
    path: ["isHPA"],
    message: "a daemonset cannot autoscale",
  });
export type DocumentedApp = z.infer<typeof DocumentedAppBody>;

/** The command line runs through the image's shell, as a Kubernetes `sh -c` would; "" keeps the image's own. */
export const commandOf = (line: string): string[] => (line.trim() === "" ? [] : ["/bin/sh", "-c", line]);

export const recordOf = (a: ServiceTemplate): OteAppRecord | undefined =>
  a.extension?.["otestack"] as OteAppRecord | undefined;

/** The registry project of an image reference: its first path segment, `library` when it has none. */
export function projectOf(image: string): string {
  const withoutTag = image.replace(/[:@][^/]*$/, "");
  const parts = withoutTag.split("/");
  const path = parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? "") ? parts.slice(1) : parts;
  return path.length > 1 ? (path[0] as string) : "library";
}

/** An app version in the document's words. */
export function presentDocumentedApp(core: Core, a: ServiceTemplate) {
  const r = recordOf(a);
  const credential =
    a.spec.registryCredentialId === null
      ? undefined
      : core.registryCredentials.find(a.spec.registryCredentialId);
  return {
    id: oteId(core, "app", a.id),
    appName: a.name,
    // The schema's app status: 1 ok. A version is stored whole or refused (never 0 init or
    // 2 failed), and deleted ones (3, 4) are not listed.
    status: 1,
    deployType: deployTypeOf(a.placement),
    image: a.spec.image,
    projectName: projectOf(a.spec.image),
    repositoryId: credential?.name ?? "",
    version: a.version,
    replicas: a.replicas,
    port: a.spec.ports.map((p) => ({
      port: p.containerPort,
      hostPort: p.hostPort,
      protocol: p.protocol.toUpperCase(),
    })),
    command: r?.command ?? [...a.spec.command, ...a.spec.args].join(" "),
    volume:
      a.spec.hostPaths?.map((h) => ({ path: h.mountPath, hostPath: h.hostPath, readOnly: h.readOnly })) ??
      r?.volume ??
      [],
    // Dependencies between apps are not offered here: none is ever recorded.
    dependence: [],
    env: Object.entries(a.spec.env).map(([name, value]) => ({ name, value })),
    minReplicas: a.autoscale.minReplicas,
    maxReplicas: a.autoscale.maxReplicas,
    minCPU: (a.spec.requests?.cpuMilli ?? r?.minCpuMilli ?? a.spec.cpuMilli) / 1000,
    maxCPU: a.spec.cpuMilli / 1000,
    GPU: a.spec.gpu ?? 0,
    isHPA: a.autoscale.enabled,
    targetCPUUtilization: a.autoscale.cpuTargetPercent,
    targetMemUtilization: a.autoscale.memoryTargetPercent,
    minMemory: a.spec.requests?.memoryMiB ?? r?.minMemoryMiB ?? a.spec.memoryMiB,
    maxMemory: a.spec.memoryMiB,
    maxUnavailable: a.rollout.maxUnavailable,
    maxSurge: a.rollout.maxSurge,
    minReadySeconds: a.rollout.minReadySeconds,
    createTime: unix(a.createdAt),
    updateTime: unix(a.updatedAt),
  };
}
