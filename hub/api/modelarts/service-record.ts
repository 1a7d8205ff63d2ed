import type { ReplicatedService } from "../../core/services/model";
import type { InstanceResources } from "./service-specs";

/** The surface's key in a replicated service's extension. */
export const SERVICE_EXTENSION = "modelarts";

/** One `config[]` entry of a real-time service: a model deployed as a replica set of its own. */
export interface ConfigRecord {
  /** The core replicated service that runs this config's instances. */
  coreServiceId: string;
  modelId: string;
  /** Share of the service's calls, percent (the weights of a service sum to 100). */
  weight: number;
  specification: string;
  /** `custom_spec` as given, when specification is `custom`. */
  customSpec: Record<string, unknown> | null;
  resources: InstanceResources;
  /** Wanted instances (kept while the service is stopped, when the replica set runs none). */
  instanceCount: number;
  envs: Record<string, string>;
}

/** One entry of the service's update log (GET .../logs). */
export interface UpdateLog {
  /** Unix ms. */
  updateTime: number;
  result: "SUCCESS" | "FAIL" | "RUNNING";
  config: ConfigRecord[];
  /** Instances running when the update was made (the rollout's start). */
  cause: string;
}

/** One operation record (GET .../events merges these with the instances' own events). */
export interface OperationEvent {
  eventType: "normal" | "abnormal";
  eventInfo: string;
  /** Unix ms. */
  occurTime: number;
}

/**
 * What the surface keeps about a real-time service on its first config's replica set (the
 * anchor, whose id is the `service_id`); other configs' replica sets point back at it.
 */
export interface ServiceRecord {
  kind: "real-time-service";
  serviceName: string;
  description: string;
  workspaceId: string;
  configs: ConfigRecord[];
  /** Stopped by the caller: its replica sets run none until started. */
  stopped: boolean;
  tags: { key: string; value: string }[];
  updates: UpdateLog[];
  events: OperationEvent[];
  /** Unix ms of the last status change asked (transition_at). */
  transitionAt: number;
}

/** The record a config's replica set (not the anchor) carries. */
export interface ConfigLink {
  kind: "real-time-config";
  anchorId: string;
}

export const recordOf = (s: ReplicatedService): ServiceRecord | undefined => {
  const r = s.extension[SERVICE_EXTENSION] as { kind?: string } | undefined;
  return r?.kind === "real-time-service" ? (r as ServiceRecord) : undefined;
};

/** Operation events kept per service (older ones drop off). @default 200 */
export const MAX_EVENTS = 200;
/** Update log entries kept per service. @default 50 */
export const MAX_UPDATES = 50;

/** Counter keys of core.invocations: a whole service, one config, one config's failures. */
export const countKeys = {
  service: (id: string) => `modelarts-service:${id}`,
  config: (coreServiceId: string) => `modelarts-config:${coreServiceId}`,
  failed: (coreServiceId: string) => `modelarts-config-failed:${coreServiceId}`,
} as const;
