import type Router from "@koa/router";
import { ValidationError } from "../../core/errors";
import type { JobTemplate } from "../../core/job-template-model";
import type { Task, TaskRole, User, Workload } from "../../core/model";
import type { NodeReservation } from "../../core/node-reservation-model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { mayReach } from "./access";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import { reachableServer } from "./lite-server-model";
import { JobCreate, JobDelete, JobListQuery, TemplateListQuery } from "./lite-server-schemas";
import { pageOf } from "./paging";
import { ALGORITHM_SCOPE } from "./training-jobs";

/**
 * What a Lite Server job keeps in its workload's `meta.modelarts.devServerJob`: the request as
 * given, and which role runs which item on which server.
 */
interface DevServerJobMeta {
  type: string;
  description: string;
  items: { type: string; spec: Record<string, string> }[];
  serverIds: string[];
  templateId: string;
  /** Role name -> the server and item it runs. */
  roles: Record<string, { serverId: string; item: number }>;
  deleted?: boolean;
}

const jobOf = (w: Workload): DevServerJobMeta | undefined =>
  (w.meta.modelarts as { devServerJob?: DevServerJobMeta } | undefined)?.devServerJob;

/** Spec keys that say what to run; every other key becomes an environment variable. */
const RESERVED_KEYS = new Set(["image", "command", "template_id", "gpu"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const JOB_STATUS: Record<Workload["state"], string> = {
  pending: "PENDING",
  running: "RUNNING",
  stopping: "STOPPING",
  stopped: "STOPPED",
  succeeded: "SUCCESS",
  failed: "FAILED",
};
const TASK_STATUS: Record<Task["state"], string> = {
  pending: "PENDING",
  assigned: "STARTING",
  starting: "STARTING",
  running: "RUNNING",
  succeeded: "SUCCESS",
  failed: "FAILED",
  stopped: "STOPPED",
  lost: "FAILED",
};

/** Stops the live jobs that run on the server (before it is released). */
export function stopServerJobs(deps: ModelArtsDeps, r: NodeReservation): void {
  const holder = deps.core.users.list().find((u) => u.id === r.holderId);
  if (!holder) return;
  for (const w of deps.core.workloads.list({ owner: holder.username, states: ["pending", "running"] })) {
    if (jobOf(w)?.serverIds.includes(r.id)) deps.core.workloads.stop(w);
  }
}

/**
 * `/v1/{project_id}/dev-servers/jobs` and `/jobs/templates`: a job is one core batch workload with
 * a role per (item, server), each pinned to the server's node (TaskRole.nodeId) and owned by the
 * server's holder, so the scheduler's reservation rule admits it there and nowhere else. An item
 * runs `spec.image` with `spec.command` (`sh -c`), or a template's (a ModelArts algorithm, a core
 * job template) image and command with its parameters as `--name=value` flags (spec keys of the
 * same name override them); other spec keys are environment variables. `is_reboot`: a failed
 * task is retried twice.
 */
export function liteJobRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, auth } = deps;
  const base = "/v1/:project_id/dev-servers/jobs";
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;

  const reachableJob = (user: User, id: string): Workload => {
    const w = core.workloads.find(id);
    const meta = w && jobOf(w);
    if (!w || !meta || meta.deleted || !mayReach(core, user, w)) {
      throw new ModelArtsError(404, GENERIC.notFound, `Lite Server job ${id} not found`);
    }
    return w;
  };
  const reachableTemplate = (user: User, id: string): JobTemplate => {
    const t = core.jobTemplates.find(id);
    if (!t || t.scope !== ALGORITHM_SCOPE || !mayReach(core, user, t)) {
      throw new ModelArtsError(404, GENERIC.notFound, `Lite Server job template ${id} not found`);
    }
    return t;
  };

  const presentTask = (w: Workload, meta: DevServerJobMeta, t: Task) => {
    const serverId = meta.roles[t.role]?.serverId ?? "";
    return {
      id: t.id,
      server_id: serverId,
      server_name: core.nodeReservations.find(serverId)?.name ?? "",
      status: TASK_STATUS[t.state],
      cloud_server: { id: t.nodeId ?? w.roles.find((r) => r.name === t.role)?.nodeId ?? "" },
      message: t.reason ?? t.message ?? "",
      create_at: String(t.createdAt),
      update_at: String(t.updatedAt),
    };
  };
  const presentJob = (w: Workload, detail: boolean) => {
    const meta = jobOf(w) as DevServerJobMeta;
    const tasks = core.workloads.tasks(w.id);
    const summary = {
      id: w.id,
      name: w.name,
      user_name: w.owner,
      description: meta.description,
      type: meta.type,
      status: JOB_STATUS[w.state],
      abnormal_count: tasks.filter((t) => t.state === "failed" || t.state === "lost").length,
      create_at: String(w.createdAt),
      update_at: String(w.updatedAt),
    };
    if (!detail) return summary;
    return {
      ...summary,
      items: meta.items,
      template_id: meta.templateId,
      tasks: tasks.map((t) => presentTask(w, meta, t)),
    };
  };

  /** The role that runs `item` on `server`. */
  const roleOf = (
    user: User,
    item: DevServerJobMeta["items"][number],
    i: number,
    server: NodeReservation,
    j: number,
    retry: boolean,
  ): { role: TaskRole; templateId: string } => {
    const spec = item.spec;
    const field = (k: string) => `items[${i}].spec.${k}`;
    const template = spec.template_id === undefined ? undefined : reachableTemplate(user, spec.template_id);
    const image = spec.image ?? template?.image;
    if (!image)
      throw new ValidationError(field("image"), "an image, or a template_id whose image runs, is required");
    const flags = (template?.parameters ?? []).map((p) => `--${p.name}=${spec[p.name] ?? p.value}`);
    const line = [spec.command ?? template?.command ?? "", ...flags].filter((s) => s !== "").join(" ");
    const env: Record<string, string> = { ...(template?.env ?? {}) };
    const params = new Set((template?.parameters ?? []).map((p) => p.name));
    for (const [k, v] of Object.entries(spec)) {
      if (RESERVED_KEYS.has(k) || params.has(k)) continue;
      if (!ENV_NAME.test(k))
        throw new ValidationError(
          field(k),
          "spec keys other than image, command, template_id, gpu and template parameters are environment variable names",
        );
      env[k] = v;
    }
    const gpu = spec.gpu === undefined ? 0 : Number(spec.gpu);
    if (!Number.isInteger(gpu) || gpu < 0) throw new ValidationError(field("gpu"), "a whole number of GPUs");
    return {
      templateId: template?.id ?? "",
      role: {
        name: `server${j}-item${i}`,
        image,
        command: line === "" ? [] : ["sh", "-c", line],
        env: {
          ...env,
          MA_DEV_SERVER_ID: server.id,
          MA_DEV_SERVER_NAME: server.name,
          MA_JOB_ITEM_TYPE: item.type,
        },
        instances: 1,
        // Placement reserves nothing but the GPUs asked for: the whole node is the holder's.
        resources: { cpuMilli: 0, memoryMiB: 0, gpu },
        ports: [],
        maxAttempts: retry ? 3 : 1,
        nodeId: server.nodeId,
      },
    };
  };

  router.post(base, auth, validate(JobCreate), (ctx) => {
    const body = input(ctx, JobCreate);
    const user = caller(ctx);
    const servers = body.server_ids.map((id) => reachableServer(core, user, id));
    for (const s of servers) {
      // The scheduler admits only the holder's work on a leased node: an admin's job would never run.
      if (s.holderId !== user.id) {
        throw new ValidationError(
          "server_ids",
          `Lite Server ${s.name} is leased to another user: only its holder runs jobs there`,
        );
      }
    }
    const roles: TaskRole[] = [];
    const byRole: DevServerJobMeta["roles"] = {};
    let templateId = "";
    body.items.forEach((item, i) =>
      servers.forEach((s, j) => {
        const made = roleOf(user, item, i, s, j, body.is_reboot);
        roles.push(made.role);
        byRole[made.role.name] = { serverId: s.id, item: i };
        templateId ||= made.templateId;
      }),
    );
    const meta: DevServerJobMeta = {
      type: body.type,
      description: body.description,
      items: body.items,
      serverIds: servers.map((s) => s.id),
      templateId,
      roles: byRole,
    };
    core.authz.requireSubmit(user, { kind: "batch", unitId: null, priority: 0 });
    const { workload } = core.workloads.submit({
      name: body.name,
      owner: user.username,
      kind: "batch",
      quotaUnitId: null,
      roles,
      meta: { modelarts: { devServerJob: meta } },
    });
    ctx.body = presentJob(workload, true);
  });

  const visibleJobs = (user: User) =>
    core.workloads.list(core.authz.isAdmin(user) ? {} : { owner: user.username }).filter((w) => {
      const m = jobOf(w);
      return m !== undefined && !m.deleted;
    });

  router.get(base, auth, validate(JobListQuery, "query"), (ctx) => {
    const q = input(ctx, JobListQuery);
    const data = visibleJobs(caller(ctx))
      .filter(
        (w) =>
          (q.id === undefined || w.id === q.id) &&
          (q.name === undefined || w.name.includes(q.name)) &&
          (q.type === undefined || jobOf(w)?.type === q.type) &&
          (q.status === undefined || JOB_STATUS[w.state] === q.status.toUpperCase()),
      )
      .map((w) => presentJob(w, false));
    ctx.body = pageOf(data, 0, Math.max(1, data.length));
  });

  router.delete(base, auth, validate(JobDelete), (ctx) => {
    const user = caller(ctx);
    const jobs = input(ctx, JobDelete).job_ids.map((id) => reachableJob(user, id));
    const data = jobs.map((w) => {
      const live = w.state === "pending" || w.state === "running" ? core.workloads.stop(w) : w;
      const meta = jobOf(live) as DevServerJobMeta;
      const gone = core.workloads.updateMeta(live, {
        ...live.meta,
        modelarts: { ...(live.meta.modelarts as object), devServerJob: { ...meta, deleted: true } },
      });
      return presentJob(gone, false);
    });
    ctx.body = pageOf(data, 0, Math.max(1, data.length));
  });

  const presentTemplate = (t: JobTemplate, detail: boolean) => {
    const params = t.parameters.map((p) => ({
      name: p.name,
      description: p.description,
      value: p.value,
      visible: "true",
      regex: "",
    }));
    const summary = {
      id: t.id,
      name: t.name,
      description: t.description,
      type: "COMMON",
      flavor_type: "",
      params,
    };
    if (!detail) return summary;
    return {
      ...summary,
      cmd: t.command,
      swr_path: t.image,
      resources: "",
      volumes: "",
      volumes_mount: "",
      timeout: "",
      check_interval: "",
      status: "ACTIVE",
    };
  };
  router.get(`${base}/templates`, auth, validate(TemplateListQuery, "query"), (ctx) => {
    const q = input(ctx, TemplateListQuery);
    const user = caller(ctx);
    const data = core.jobTemplates
      .list(ALGORITHM_SCOPE)
      .filter((t) => mayReach(core, user, t))
      .filter(
        (t) =>
          (q.id === undefined || t.id === q.id) &&
          (q.name === undefined || t.name.includes(q.name)) &&
          (q.type === undefined || q.type === "COMMON"),
      )
      .map((t) => presentTemplate(t, false));
    ctx.body = pageOf(data, 0, Math.max(1, data.length));
  });
  router.get(`${base}/templates/:id`, auth, (ctx) => {
    ctx.body = presentTemplate(reachableTemplate(caller(ctx), String(ctx.params.id)), true);
  });

  // A SERVICE_DEPLOY job seen as the service it deploys: its tasks are the instances.
  router.get(`${base}/services/:id`, auth, (ctx) => {
    const w = reachableJob(caller(ctx), String(ctx.params.id));
    const meta = jobOf(w) as DevServerJobMeta;
    if (meta.type !== "SERVICE_DEPLOY") {
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        `Lite Server job ${w.name} is of type ${meta.type}, not SERVICE_DEPLOY`,
      );
    }
    const spec = meta.items[0]?.spec ?? {};
    ctx.body = {
      id: w.id,
      name: w.name,
      status: JOB_STATUS[w.state],
      spec,
      instances: core.workloads
        .tasks(w.id)
        .map((t) => ({ id: t.id, status: TASK_STATUS[t.state], endpoints: t.ip ?? "" })),
      model: { name: spec.model_name ?? "", url: spec.model_url ?? "", quant_type: spec.quant_type ?? "" },
    };
  });

  router.get(`${base}/:id`, auth, (ctx) => {
    ctx.body = presentJob(reachableJob(caller(ctx), String(ctx.params.id)), true);
  });
}
