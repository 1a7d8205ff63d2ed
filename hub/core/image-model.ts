/** Whether a registered image can be pulled: not checked yet, found, or not found. */
export type ImageStatus = "unchecked" | "present" | "absent";

/**
 * A container image registered for people to pick (ModelArts's image management): a reference
 * agents pull, who registered it and in which quota unit, and whether it was last found.
 */
export interface ImageRecord {
  id: string;
  /** What agents pull: `registry/namespace/name:tag`, or a local name such as `bars/busybox:1`. */
  reference: string;
  owner: string;
  /** The quota unit (workspace) it belongs to; null: the whole hub. */
  quotaUnitId: string | null;
  description: string;
  status: ImageStatus;
  /** Why it is absent, or where it was found. */
  statusMessage: string;
  /** Surface data (ModelArts arch, service type, visibility, tags), keyed by surface. */
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}
