import type { Task, Workload } from "../../core/model";
import { META_KEY } from "./workspace-ids";

/** Where the managed volume is mounted, as ModelArts mounts it. */
export const WORK_DIR = "/home/ma-user/work";
/** The notebook's web port (Jupyter's): `url` opens it through the hub tunnel. */
export const NOTEBOOK_PORT = 8888;
/** The core volume behind the managed storage. */
export const WORK_VOLUME = "work";

export type NotebookStatus =
  | "CREATING"
  | "STARTING"
  | "STOPPING"
  | "RUNNING"
  | "STOPPED"
  | "SNAPSHOTTING"
  | "CREATE_FAILED"
  | "START_FAILED"
  | "ERROR"
  | "DELETED";

export interface NotebookTag {
  key: string;
  value: string;
}

/** One OBS storage mount: `uri` obs://bucket/path, bound from the bucket's node directory. */
export interface NotebookStorage {
  id: string;
  category: string;
  uri: string;
  mountPath: string;
  hostPath: string;
  status: "MOUNTING" | "MOUNTED" | "UNMOUNTING";
}

/** What the ModelArts surface keeps on a notebook's core workload (meta.modelarts.notebook). */
export interface NotebookMeta {
  description: string;
  flavor: string;
  imageId: string;
  feature: string;
  poolId: string | null;
  workspaceId: string;
  volume: { category: string; ownership: string; capacity: number };
  endpoints: unknown[];
  leaseType: string;
  tags: NotebookTag[];
  /** OBS storage mounted (or being mounted/unmounted) at a path of the container. */
  storages?: NotebookStorage[];
  /** A storage change waits for the notebook to stop, then it starts again with it. */
  remount?: boolean;
  /** Set by a create-image in progress (SNAPSHOTTING). */
  snapshotting?: boolean;
  deleted?: boolean;
}

/** The notebook of a workload; undefined when it is none, or its workspace was deleted. */
export const notebookOf = (w: Workload): NotebookMeta | undefined => {
  const meta = w.meta[META_KEY] as { notebook?: NotebookMeta; deleted?: boolean } | undefined;
  return meta?.deleted ? undefined : meta?.notebook;
};

/** The notebook of a workload that is not deleted (by a notebook or a workspace delete). */
export const liveNotebookOf = (w: Workload): NotebookMeta | undefined => {
  const nb = notebookOf(w);
  return nb && !nb.deleted ? nb : undefined;
};

export const withNotebook = (w: Workload, nb: NotebookMeta): Record<string, unknown> => ({
  ...w.meta,
  [META_KEY]: { ...(w.meta[META_KEY] as object | undefined), notebook: nb },
});

/**
 * The documented status from the core workload and its one task: a first attempt that has not run
 * yet is CREATING (CREATE_FAILED if it fails), a later one STARTING (START_FAILED).
 */
export function notebookStatus(w: Workload, task: Task | undefined, nb: NotebookMeta): NotebookStatus {
  if (nb.deleted) return "DELETED";
  const first = (task?.attempt ?? 1) <= 1;
  if (w.state === "stopping") return "STOPPING";
  if (w.state === "stopped" || w.state === "succeeded") return "STOPPED";
  if (w.state === "failed") {
    if (task?.startedAt) return "ERROR";
    return first ? "CREATE_FAILED" : "START_FAILED";
  }
  if (task?.state === "running") return nb.snapshotting ? "SNAPSHOTTING" : "RUNNING";
  return first ? "CREATING" : "STARTING";
}

type Step = "WAITING" | "PROCESSING" | "FAILED" | "COMPLETED";

/**
 * `action_progress`: 1 storage, 2 scheduling, 3 image and container, 4 the notebook answering.
 * Which step is under way follows the task's state.
 */
export function actionProgress(
  w: Workload,
  task: Task | undefined,
): { step: number; status: Step; description: string }[] {
  const names = ["prepare storage", "schedule resources", "pull image and start container", "start notebook"];
  const reached =
    task?.state === "running" || w.state === "stopped" || w.state === "succeeded"
      ? 4
      : task?.state === "starting" || task?.state === "assigned"
        ? 3
        : 2;
  const failed = w.state === "failed";
  return names.map((description, i) => {
    const step = i + 1;
    let status: Step = step < reached ? "COMPLETED" : step === reached ? "PROCESSING" : "WAITING";
    if (reached === 4 && step === 4) status = "COMPLETED";
    if (failed && step === reached) status = "FAILED";
    return { step, status, description };
  });
}
