import crypto from "node:crypto";
import type Router from "@koa/router";
import { z } from "zod";
import type { User, Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import {
  liveNotebookOf,
  notebookOf,
  notebookStatus,
  withNotebook,
  type NotebookMeta,
  type NotebookStorage,
} from "./notebook-model";
import { reachableNotebook } from "./access";
import { pageOf } from "./paging";

/** Mounts one notebook may hold. @default 10 */
const MAX_STORAGES = 10;

const StorageReq = z.object({
  category: z.enum(["OBS", "OBSFS"]),
  uri: z
    .string()
    .max(1024)
    .regex(/^obs:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\0]*)?$/, "must be obs://bucket/path/"),
  mount_path: z
    .string()
    .max(1024)
    .regex(/^\/data\/[^\0]+$/, "must be a directory under /data/"),
  efs_id: z.string().max(128).optional(),
});

const present = (s: NotebookStorage) => ({
  id: s.id,
  category: s.category,
  uri: s.uri,
  mount_path: s.mountPath,
  status: s.status,
  mount_type: "DYNAMIC",
  failure_reason: "",
});

/**
 * The node directory of `uri`: the admin declares each OBS bucket as a directory on the nodes
 * (CORRAL_MODELARTS_STORAGE); a path inside it may not climb out ("..").
 */
function hostPathOf(storage: Readonly<Record<string, string>>, uri: string): string {
  const rest = uri.slice("obs://".length);
  const bucket = rest.split("/")[0] as string;
  const dir = Object.hasOwn(storage, bucket) ? storage[bucket] : undefined;
  if (!dir) {
    throw new ModelArtsError(
      400,
      "ModelArts.6338",
      `bucket ${bucket} is not declared on this hub (CORRAL_MODELARTS_STORAGE)`,
    );
  }
  const segments = rest
    .split("/")
    .slice(1)
    .filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) {
    throw new ModelArtsError(400, "ModelArts.0103", "invalid uri: no '.' or '..' segments");
  }
  return [dir.replace(/\/$/, ""), ...segments].join("/");
}

/**
 * OBS storage of a running notebook (`/notebooks/{instance_id}/storage`) over node directories the
 * admin declares. A container cannot gain a mount while it runs, so a mount or unmount restarts the
 * notebook (its work volume stays): the storage is MOUNTING (UNMOUNTING) until the notebook runs
 * again with it bound (without it). `Remounts` finishes that restart once the notebook has stopped.
 */
export function notebookStorageRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  remounts: Remounts,
): void {
  const { core, auth, config } = deps;
  const base = "/v1/:project_id/notebooks/:instance_id/storage";
  const notebook = (ctx: ApiContext): Workload =>
    reachableNotebook(core, (ctx.state.principal as { user: User }).user, ctx.params.instance_id as string);
  const requireRunning = (w: Workload) => {
    const s = notebookStatus(w, core.workloads.tasks(w.id)[0], notebookOf(w) as NotebookMeta);
    if (s !== "RUNNING" || (notebookOf(w) as NotebookMeta).remount) {
      throw new ModelArtsError(
        400,
        "ModelArts.6357",
        `notebook ${w.name} is ${s}: storage is mounted on a running notebook only`,
      );
    }
  };
  const storageOf = (w: Workload, id: string) => {
    const s = ((notebookOf(w) as NotebookMeta).storages ?? []).find((x) => x.id === id);
    if (!s)
      throw new ModelArtsError(400, "ModelArts.6339", `storage ${id} is not mounted on notebook ${w.name}`);
    return s;
  };
  /** Saves the change and stops the notebook; Remounts starts it again once it has stopped. */
  const restartWith = (w: Workload, storages: NotebookStorage[]) => {
    const nb = notebookOf(w) as NotebookMeta;
    const saved = core.workloads.updateMeta(w, withNotebook(w, { ...nb, storages, remount: true }));
    remounts.add(saved.id);
    core.workloads.stop(saved);
  };

  router.get(base, auth, (ctx) => {
    const all = ((notebookOf(notebook(ctx)) as NotebookMeta).storages ?? []).map(present);
    ctx.body = pageOf(all, 0, Math.max(1, all.length));
  });
  router.post(base, auth, validate(StorageReq), (ctx) => {
    const w = notebook(ctx);
    requireRunning(w);
    const body = input(ctx, StorageReq);
    const storages = (notebookOf(w) as NotebookMeta).storages ?? [];
    if (storages.length >= MAX_STORAGES) {
      throw new ModelArtsError(400, "ModelArts.6340", `a notebook mounts at most ${MAX_STORAGES} storages`);
    }
    if (storages.some((s) => s.mountPath === body.mount_path)) {
      throw new ModelArtsError(400, "ModelArts.6341", `${body.mount_path} is mounted already`);
    }
    const storage: NotebookStorage = {
      id: crypto.randomUUID(),
      category: body.category,
      uri: body.uri,
      mountPath: body.mount_path,
      hostPath: hostPathOf(config.modelartsStorage, body.uri),
      status: "MOUNTING",
    };
    restartWith(w, [...storages, storage]);
    ctx.body = present(storage);
  });
  router.get(`${base}/:storage_id`, auth, (ctx) => {
    ctx.body = present(storageOf(notebook(ctx), ctx.params.storage_id as string));
  });
  router.delete(`${base}/:storage_id`, auth, (ctx) => {
    const w = notebook(ctx);
    requireRunning(w);
    const target = storageOf(w, ctx.params.storage_id as string);
    const storages = ((notebookOf(w) as NotebookMeta).storages ?? []).map((s) =>
      s.id === target.id ? { ...s, status: "UNMOUNTING" as const } : s,
    );
    restartWith(w, storages);
    ctx.body = present({ ...target, status: "UNMOUNTING" });
  });
}

/**
 * Finishes storage changes: each notebook waiting to remount that has stopped starts again with
 * its mounted storages bound (unmounted ones dropped). `scan()` at start finds the ones a hub
 * restart left mid-way (one pass over finished work); after that `finish()`, on the surface's
 * cluster-change hook (work ended), looks only at the notebooks this hub asked to remount, so the
 * hook costs nothing while no storage change is in flight.
 */
export class Remounts {
  private readonly waiting = new Set<string>();

  constructor(private readonly deps: ModelArtsDeps) {}

  /** A storage change stopped this notebook; finish() starts it again once it has stopped. */
  add(workloadId: string): void {
    this.waiting.add(workloadId);
  }

  scan(): void {
    for (const w of this.deps.core.workloads.list({ states: ["stopped", "succeeded", "failed"] })) {
      if (liveNotebookOf(w)?.remount) this.waiting.add(w.id);
    }
    this.finish();
  }

  finish(): void {
    for (const id of this.waiting) {
      const w = this.deps.core.workloads.find(id);
      const nb = w && liveNotebookOf(w);
      if (!w || !nb?.remount) {
        this.waiting.delete(id);
        continue;
      }
      if (w.state !== "stopped" && w.state !== "succeeded" && w.state !== "failed") continue;
      this.waiting.delete(id);
      const storages = (nb.storages ?? [])
        .filter((s) => s.status !== "UNMOUNTING")
        .map((s) => ({ ...s, status: "MOUNTED" as const }));
      const reshaped = this.deps.core.workloads.reshape(w, {
        hostPaths: storages.map((s) => ({ hostPath: s.hostPath, mountPath: s.mountPath, readOnly: false })),
        meta: withNotebook(w, { ...nb, storages, remount: false }),
      });
      this.deps.core.workloads.start(reshaped);
    }
  }
}
