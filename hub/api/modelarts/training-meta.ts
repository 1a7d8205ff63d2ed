import type { Workload } from "../../core/model";
import type { MaFlavor } from "./flavors";

/** A job's input or output as submitted, with the directory it was given. */
export interface TrainingChannel {
  name: string;
  description: string;
  localDir: string;
  accessMethod?: string;
  /** Where ModelArts would fetch it from (OBS, dataset): kept and shown, not fetched. */
  remote?: Record<string, unknown>;
}

/**
 * What a ModelArts training job keeps in its workload's meta (`meta.modelarts.training`): the
 * request as resolved at submission (an algorithm's definition is copied in), so the job shows
 * what it ran even after its algorithm changes.
 */
export interface TrainingMeta {
  description: string;
  /** The workspace id as ModelArts shows it ("0" or the quota unit id without dashes). */
  workspaceId: string;
  annotations: Record<string, string>;
  algorithm: {
    id?: string;
    name?: string;
    codeDir?: string;
    bootFile?: string;
    /** The command as given, before parameters and channels are appended. */
    command: string;
    parameters: { name: string; value: string; description: string; constraint?: Record<string, unknown> }[];
    inputs: TrainingChannel[];
    outputs: TrainingChannel[];
    engine: Record<string, unknown>;
    localCodeDir?: string;
    workingDir?: string;
    environments: Record<string, string>;
  };
  flavor: MaFlavor;
  nodeCount: number;
  poolId?: string;
  autoStop?: { time_unit: string; duration: number };
  schedulePolicy?: Record<string, unknown>;
  /** spec.volumes as submitted (NFS/PFS/OBS mounts are not made: docs/compat/modelarts.md). */
  volumes: Record<string, unknown>[];
  logExportPath?: { obs_url?: string; host_path?: string };
  tags: { key: string; value: string }[];
  /** When DELETE removed it from ModelArts's view (the workload stays in the core). */
  deletedAt: number | null;
}

/** The training meta of a workload made by this surface; undefined for any other workload. */
export function trainingMeta(w: Workload): TrainingMeta | undefined {
  return (w.meta.modelarts as { training?: TrainingMeta } | undefined)?.training;
}

/** The workload's meta with `training` replaced. */
export function withTraining(w: Workload, training: TrainingMeta): Record<string, unknown> {
  const modelarts = (w.meta.modelarts as Record<string, unknown> | undefined) ?? {};
  return { ...w.meta, modelarts: { ...modelarts, training } };
}

/** ModelArts's name of task `index`: "worker-0", "worker-1"... */
export const taskName = (index: number): string => `${ROLE}-${index}`;
/** The one role of a training job. */
export const ROLE = "worker";
/** The task index of a ModelArts task name, or undefined. */
export function taskIndex(name: string): number | undefined {
  const m = /^worker-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
