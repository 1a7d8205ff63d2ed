import type { Core } from "../../core";
import { NotFoundError, ValidationError } from "../../core/errors";
import type { JobTemplate } from "../../core/job-template-model";
import type { QuotaUnit, Resources, User, VolumeSpec, Workload } from "../../core/model";
import { PRIORITY_CLASSES } from "../../core/priority-classes";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError, unsupported } from "./errors";
import { findFlavor, flavorResources } from "./flavors";
import { ROLE, type TrainingChannel, type TrainingMeta, trainingMeta, withTraining } from "./training-meta";
import type { JobBody } from "./training-schemas";

/** The scope of ModelArts algorithms among core job templates. */
export const ALGORITHM_SCOPE = "modelarts";

/** ModelArts's training error codes (docs/compat/modelarts.md). */
export const TRAINING_CODES = {
  duplicateName: "ModelArts.2751",
  notFound: "ModelArts.2775",
  quotaExceeded: "ModelArts.2815",
  poolNotRunning: "ModelArts.2887",
} as const;

/** Where ModelArts puts a channel that names no local_dir. */
const defaultDir = (kind: "inputs" | "outputs", name: string) => `/home/ma-user/modelarts/${kind}/${name}_0`;

/** One shell word: single-quoted unless it is plainly safe. */
export const shellWord = (s: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The container's command line: the job's command with every parameter as `--name=value` and every
 * input and output as `--name=local_dir` appended (as ModelArts passes them to the boot file).
 * An empty command runs the image's own entrypoint with those flags as its arguments.
 */
export function commandLine(meta: TrainingMeta["algorithm"]): string[] {
  const flags = [
    ...meta.parameters.map((p) => `--${p.name}=${p.value}`),
    ...[...meta.inputs, ...meta.outputs].map((c) => `--${c.name}=${c.localDir}`),
  ];
  const base =
    meta.codeDir && meta.bootFile && !meta.command
      ? `python ${meta.codeDir.replace(/\/$/, "")}/${meta.bootFile}`
      : meta.command;
  if (!base) return flags;
  return ["/bin/sh", "-c", [base, ...flags.map(shellWord)].join(" ")];
}

/** Training jobs: ModelArts's view of the core's batch workloads it made. */
export class TrainingJobs {
  private readonly core: Core;

  constructor(private readonly deps: ModelArtsDeps) {
    this.core = deps.core;
  }

  /** Every job this surface made and has not deleted, newest first. */
  list(): Workload[] {
    return this.core.workloads
      .list({})
      .filter((w) => {
        const t = trainingMeta(w);
        return t !== undefined && t.deletedAt === null;
      })
      .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  /** The job with `id`: 400 ModelArts.2775 when there is none (or it was deleted). */
  get(id: string): Workload {
    const w = /^[0-9a-f-]{36}$/.test(id) ? this.core.workloads.find(id) : undefined;
    const t = w && trainingMeta(w);
    if (!w || !t || t.deletedAt !== null) throw new NotFoundError("training job", id);
    return w;
  }

  create(body: JobBody, user: User): Workload {
    const unit = this.deps.workspaces.unitOf(body.metadata.workspace_id);
    if (this.list().some((w) => w.name === body.metadata.name))
      throw new ModelArtsError(
        400,
        TRAINING_CODES.duplicateName,
        `a training job named ${body.metadata.name} already exists`,
      );
    const flavor = findFlavor(this.core.nodes.list(), body.spec.resource.flavor_id);
    if (!flavor)
      throw new ValidationError(
        "spec.resource.flavor_id",
        `no node offers flavor ${body.spec.resource.flavor_id} (see GET /v2/{project_id}/training-job-flavors)`,
      );
    const nodeCount = body.spec.resource.node_count;
    const perTask = flavorResources(flavor);
    this.checkQuota(unit, perTask, nodeCount);
    const cluster = body.spec.resource.pool_id === undefined ? null : this.pool(body.spec.resource.pool_id);
    const algorithm = this.algorithm(body);
    const meta: TrainingMeta = {
      description: body.metadata.description,
      workspaceId: this.deps.workspaces.idOf(unit),
      annotations: body.metadata.annotations,
      algorithm,
      flavor,
      nodeCount,
      ...(body.spec.resource.pool_id !== undefined ? { poolId: body.spec.resource.pool_id } : {}),
      ...(body.spec.auto_stop ? { autoStop: body.spec.auto_stop } : {}),
      ...(body.spec.schedule_policy ? { schedulePolicy: body.spec.schedule_policy } : {}),
      volumes: body.spec.volumes,
      ...(body.spec.log_export_path ? { logExportPath: body.spec.log_export_path } : {}),
      tags: [],
      deletedAt: null,
    };
    const volumes: VolumeSpec[] = [
      ...algorithm.inputs.map((c, i) => ({ name: `input-${i}`, mountPath: c.localDir })),
      ...algorithm.outputs.map((c, i) => ({ name: `output-${i}`, mountPath: c.localDir })),
    ];
    const policy = body.spec.schedule_policy;
    const autoStop = body.spec.auto_stop;
    this.core.authz.requireSubmit(user, {
      kind: "batch",
      unitId: unit.id,
      priority: PRIORITY_CLASSES.train.priority + ((policy?.priority ?? 1) - 1),
    });
    const { workload } = this.core.workloads.submit({
      name: body.metadata.name,
      owner: user.username,
      kind: "batch",
      cluster: cluster ?? null,
      quotaUnitId: unit.id,
      gang: nodeCount > 1,
      // ModelArts priorities 1 (low) to 3 (high) sit just above the default training priority.
      priority: PRIORITY_CLASSES.train.priority + ((policy?.priority ?? 1) - 1),
      // Unset: the core's training default (preemptible), so a job may run beyond its workspace's
      // deserved share (non-preemptible work never exceeds it; a workspace without quota has 0).
      preemptible: policy?.preemptible ?? PRIORITY_CLASSES.train.preemptible,
      ...(autoStop
        ? { timeLimitMs: autoStop.duration * (autoStop.time_unit === "MINUTES" ? 60_000 : 3_600_000) }
        : {}),
      meta: { modelarts: { training: meta } },
      roles: [
        {
          name: ROLE,
          image: String(algorithm.engine.image_url),
          command: commandLine(algorithm),
          env: algorithm.environments,
          instances: nodeCount,
          resources: perTask,
          ports: [],
          maxAttempts: 1,
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      ],
    });
    return workload;
  }

  /** Saves changed training meta (description, tags, deletion). */
  update(w: Workload, change: (t: TrainingMeta) => TrainingMeta): Workload {
    const t = trainingMeta(w);
    if (!t) throw new NotFoundError("training job", w.id);
    return this.core.workloads.updateMeta(w, withTraining(w, change(t)));
  }

  /** The algorithm part of a job: its own fields over those of the algorithm it names. */
  private algorithm(body: JobBody): TrainingMeta["algorithm"] {
    const a = body.algorithm;
    const template: JobTemplate | undefined =
      a.id === undefined ? undefined : this.core.jobTemplates.get(ALGORITHM_SCOPE, a.id);
    const image = a.engine?.image_url ?? template?.image;
    if (!image) {
      if (a.engine?.engine_id || a.engine?.engine_name)
        throw unsupported("a preset AI engine", "this hub has no engine catalogue; give engine.image_url");
      throw new ValidationError("algorithm.engine.image_url", "an image (or an algorithm id) is required");
    }
    const params = new Map<string, TrainingMeta["algorithm"]["parameters"][number]>();
    for (const p of template?.parameters ?? []) params.set(p.name, { ...p });
    for (const p of a.parameters)
      params.set(p.name, {
        name: p.name,
        value: p.value,
        description: p.description || (params.get(p.name)?.description ?? ""),
        ...(p.constraint ? { constraint: p.constraint } : {}),
      });
    const channels = (kind: "inputs" | "outputs"): TrainingChannel[] => {
      const given = new Map(a[kind].map((c) => [c.name, c]));
      const names = [...(template?.[kind] ?? []).map((c) => c.name), ...a[kind].map((c) => c.name)];
      return [...new Set(names)].map((name) => {
        const c = given.get(name);
        const declared = template?.[kind].find((d) => d.name === name);
        return {
          name,
          description: c?.description || declared?.description || "",
          localDir: c?.local_dir ?? defaultDir(kind, name),
          ...(c?.access_method ? { accessMethod: c.access_method } : {}),
          ...(c?.remote ? { remote: c.remote } : {}),
        };
      });
    };
    const tmeta = (template?.meta.modelarts as { codeDir?: string; bootFile?: string } | undefined) ?? {};
    const codeDir = a.code_dir ?? tmeta.codeDir;
    const bootFile = a.boot_file ?? tmeta.bootFile;
    return {
      ...(template ? { id: a.id, name: template.name } : a.name ? { name: a.name } : {}),
      ...(codeDir ? { codeDir } : {}),
      ...(bootFile ? { bootFile } : {}),
      command: a.command ?? template?.command ?? "",
      parameters: [...params.values()],
      inputs: channels("inputs"),
      outputs: channels("outputs"),
      engine: { ...(a.engine ?? {}), image_url: image },
      ...(a.local_code_dir ? { localCodeDir: a.local_code_dir } : {}),
      ...(a.working_dir ? { workingDir: a.working_dir } : {}),
      environments: { ...(template?.env ?? {}), ...a.environments },
    };
  }

  /** A pool is a cluster (by id or name): 400 ModelArts.2887 when there is none. */
  private pool(poolId: string): string {
    const cluster = this.core.clusters.find(poolId);
    if (!cluster)
      throw new ModelArtsError(400, TRAINING_CODES.poolNotRunning, `resource pool ${poolId} is not running`);
    return cluster.id;
  }

  /**
   * 400 ModelArts.2815 when the job can never fit its workspace: it asks for more of a resource
   * than the workspace's hard limits allow in all its node pools together.
   */
  private checkQuota(unit: QuotaUnit, perTask: Resources, count: number): void {
    if (unit.allocations.length === 0) return;
    const limits: [keyof Resources, "gpu" | "cpuMilli" | "memoryMiB", string][] = [
      ["gpu", "gpu", "GPUs"],
      ["cpuMilli", "cpuMilli", "CPU millicores"],
      ["memoryMiB", "memoryMiB", "MiB of memory"],
    ];
    for (const [res, key, words] of limits) {
      const caps = unit.allocations.map((a) => a[key].limit);
      if (caps.some((c) => c === null)) continue;
      const cap = caps.reduce<number>((s, c) => s + (c ?? 0), 0);
      const want = perTask[res] * count;
      if (want > cap)
        throw new ModelArtsError(
          400,
          TRAINING_CODES.quotaExceeded,
          `the job asks for ${want} ${words}; its workspace allows ${cap}`,
        );
    }
  }
}
