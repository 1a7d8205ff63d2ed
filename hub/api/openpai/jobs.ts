import type { Core } from "../../core";
import { ConflictError } from "../../core/errors";
import type { PortSpec, TaskRole, User, Workload } from "../../core/model";
import type { RegistryAuth } from "../../core/desired";
import type { SecretBox } from "../../core/secret-box";
import { forbidden, noJob, noVc, PaiError } from "./errors";
import { FIRST_CONTAINER_PORT, frameworkName, jobMeta, type JobMeta } from "./job-meta";
import type { JobSpec } from "./protocol/job-spec";
import type { VirtualClusters } from "./vc-model";

/** The pullSecret name of a job's registry credentials, resolved by Jobs.registryAuth. */
export const pullSecretName = (user: string, job: string, prerequisite: string): string =>
  `${PULL_SECRET_PREFIX}${user}~${job}/${prerequisite}`;
export const PULL_SECRET_PREFIX = "openpai/";

/** Submits, finds and lists OpenPAI jobs: workloads with their OpenPAI metadata. */
export class Jobs {
  constructor(
    private readonly core: Core,
    private readonly vcs: VirtualClusters,
    private readonly box: SecretBox,
  ) {}

  /**
   * Submit order as the rest-server: storages, duplicate (409), VC exists (404), user may use the
   * VC (403), then the job is stored with every task pending, so GET sees it at once.
   */
  submit(user: User, spec: JobSpec, config: string): Workload {
    for (const s of spec.storages) throw new PaiError(404, "NoStorageError", `Storage ${s} is not found.`);
    const conflict = () =>
      new PaiError(409, "ConflictJobError", `Job name ${user.username}~${spec.name} already exists.`);
    if (this.core.workloads.findByOwnerAndName(user.username, spec.name)) throw conflict();
    const vc = this.vcs.find(spec.virtualCluster);
    // 400 on submit, as the document says (404 is for GET /virtual-clusters/:vc).
    if (!vc) throw noVc(spec.virtualCluster, 400);
    const vcName = this.vcs.nameOf(vc);
    // Membership of the VC's quota unit, decided by core.authz (OpenPAI's group acls are one source).
    if (!this.core.authz.can(user, "unit.submit", { kind: "unit", unitId: vc.id }))
      throw forbidden(`User ${user.username} is not allowed to add job to ${vcName}`);
    if (this.vcs.meta(vc).status !== "running") throw forbidden(`Virtual cluster ${vcName} is stopped.`);
    this.vcs.rebalance();
    const portLabels: JobMeta["portLabels"] = {};
    // Registry credentials are kept sealed in the job's meta; roles name them (pullSecret), and
    // they are opened only when a task is sent to its agent (registryAuth below).
    const registryAuth: NonNullable<JobMeta["registryAuth"]> = {};
    for (const r of spec.roles) {
      if (!r.imageAuth) continue;
      const { prerequisite, serverAddress, username, password } = r.imageAuth;
      registryAuth[prerequisite] = { serverAddress, username, passwordSealed: this.box.seal(password) };
    }
    const roles: TaskRole[] = spec.roles.map((r) => {
      const ports: PortSpec[] = [];
      portLabels[r.name] = {};
      for (const [label, count] of Object.entries(r.ports)) {
        const names = Array.from({ length: count }, (_, k) => `${label}.${k}`);
        portLabels[r.name]![label] = names;
        for (const name of names)
          ports.push({
            name,
            containerPort: FIRST_CONTAINER_PORT + ports.length,
            protocol: "tcp",
            hostPort: 0,
          });
      }
      return {
        ...(r.imageAuth
          ? { pullSecret: pullSecretName(user.username, spec.name, r.imageAuth.prerequisite) }
          : {}),
        name: r.name,
        image: r.image,
        command: ["sh", "-c", r.commands.join("\n")],
        env: r.env,
        instances: r.instances,
        resources: { cpuMilli: r.cpu * 1000, memoryMiB: r.memoryMB, gpu: r.gpu },
        ports,
        maxAttempts: r.taskRetryCount + 1,
        // OpenPAI's defaults: the first failure fails the job; it succeeds when every instance of a
        // role succeeded (minSucceededInstances = instances); -1 turns a trigger off.
        completion: {
          minFailed: r.minFailedInstances ?? 1,
          minSucceeded: r.minSucceededInstances ?? r.instances,
        },
      };
    });
    const meta: JobMeta = {
      format: spec.format,
      config,
      virtualCluster: vcName,
      tags: [],
      jobRetryCount: spec.jobRetryCount,
      portLabels,
      ...(Object.keys(registryAuth).length ? { registryAuth } : {}),
    };
    try {
      return this.core.workloads.submit({
        name: spec.name,
        owner: user.username,
        kind: "batch",
        roles,
        gang: spec.gang,
        meta: { openpai: meta },
        quotaUnitId: vc.id,
        // -2 (v1) disables retries; otherwise the count of whole-job retries.
        maxJobAttempts: Math.max(0, spec.jobRetryCount) + 1,
        uniqueName: true,
      }).workload;
    } catch (err) {
      if (err instanceof ConflictError) throw conflict();
      throw err;
    }
  }

  /** Opens the registry credentials a pullSecret name (`openpai/<user>~<job>/<prerequisite>`) names. */
  registryAuth(name: string): RegistryAuth | null {
    const m = /^openpai\/([^~/]+)~([^/]+)\/(.+)$/.exec(name);
    if (!m) return null;
    const w = this.core.workloads.findByOwnerAndName(m[1]!, m[2]!);
    const stored = w ? jobMeta(w)?.registryAuth?.[m[3]!] : undefined;
    if (!stored) return null;
    const { serverAddress, username, passwordSealed } = stored;
    return { serverAddress, username, password: this.box.open(passwordSealed) };
  }

  /**
   * By framework name `<user>~<job>`, as `viewer` may see it (visible()); deleted (v1) jobs are
   * gone, and a workload the viewer may not see is not found either.
   */
  get(fw: string, viewer: User | null): Workload {
    const i = fw.indexOf("~");
    const w = i > 0 ? this.core.workloads.findByOwnerAndName(fw.slice(0, i), fw.slice(i + 1)) : undefined;
    if (!w || jobMeta(w)?.deleted || !this.visible(w, viewer)) throw noJob(fw);
    return w;
  }

  /**
   * What a caller sees (docs/security.md): OpenPAI's own jobs to everyone OpenPAI shows them to
   * (any token; anonymously on the v1 reads, as the rest-server), another surface's workloads only
   * to a caller core.authz lets read them (owner, its unit's admin, the admin), never anonymously.
   */
  visible(w: Workload, viewer: User | null): boolean {
    return this.visibleAs(jobMeta(w) !== null, w, viewer);
  }

  /** visible() from what a cached list item keeps: whether it is an OpenPAI job, its owner and unit. */
  visibleAs(pai: boolean, w: Pick<Workload, "owner" | "quotaUnitId">, viewer: User | null): boolean {
    if (pai) return true;
    return (
      viewer !== null &&
      this.core.authz.can(viewer, "object.read", { kind: "object", owner: w.owner, unitId: w.quotaUnitId })
    );
  }

  /** Whether `user` may read a job's task logs: its owner, its unit's admin or the admin. */
  mayReadLogs(user: User, w: Workload): boolean {
    return this.core.authz.can(user, "object.read", {
      kind: "object",
      owner: w.owner,
      unitId: w.quotaUnitId,
    });
  }

  /** Owner, its unit's admin or the admin (core.authz), for writes (executionType, tags, delete). */
  own(user: User, w: Workload): Workload {
    if (!this.core.authz.can(user, "object.write", { kind: "object", owner: w.owner, unitId: w.quotaUnitId }))
      throw forbidden(`User ${user.username} is not allowed to do operation on job ${frameworkName(w)}.`);
    return w;
  }

  /** Every job `viewer` may see (visible()); null: an anonymous caller. */
  list(viewer: User | null): Workload[] {
    return this.core.workloads.list().filter((w) => !jobMeta(w)?.deleted && this.visible(w, viewer));
  }

  setMeta(w: Workload, change: Partial<JobMeta>): Workload {
    const meta = jobMeta(w) ?? {
      format: "v2",
      config: "",
      virtualCluster: "unknown",
      tags: [],
      jobRetryCount: 0,
      portLabels: {},
    };
    return this.core.workloads.updateMeta(w, { ...w.meta, openpai: { ...meta, ...change } });
  }
}
