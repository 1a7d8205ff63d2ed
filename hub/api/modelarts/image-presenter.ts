import type { ImageRecord } from "../../core/image-model";

/** What the surface keeps on a registered image (meta.modelarts). */
export interface ImageMeta {
  arch: string;
  serviceType: string;
  visibility: string;
  origin: string;
  services: string[];
  resourceCategories: string[];
  type: string;
  tags: string[];
  readMe: string;
  workspaceId: string;
  /** The group (repository) id it belongs to. */
  groupId?: string;
}

export const imageMetaOf = (i: ImageRecord): ImageMeta => i.meta.modelarts as ImageMeta;

/** `namespace`, `name` and `tag` of a reference: `[registry/]namespace/name:tag`. */
export function splitReference(reference: string): {
  registry: string;
  namespace: string;
  name: string;
  tag: string;
} {
  const at = reference.split("@")[0] as string;
  const parts = at.split("/");
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0] as string);
  const registry = hasRegistry ? (parts.shift() as string) : "";
  const last = parts.pop() as string;
  const colon = last.lastIndexOf(":");
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const tag = colon >= 0 ? last.slice(colon + 1) : "latest";
  return { registry, namespace: parts.join("/"), name, tag };
}

const STATUS = { unchecked: "ACTIVE", present: "ACTIVE", absent: "ERROR" } as const;

/** The SDK's Image / ImageResponse. */
export function presentImage(i: ImageRecord): Record<string, unknown> {
  const m = imageMetaOf(i);
  const ref = splitReference(i.reference);
  return {
    id: i.id,
    name: ref.name,
    namespace: ref.namespace,
    tag: ref.tag,
    swr_path: i.reference,
    arch: m.arch,
    description: i.description,
    dev_services: m.services,
    origin: m.origin,
    resource_categories: m.resourceCategories,
    support_res_categories: m.resourceCategories,
    service_type: m.serviceType,
    size: 0,
    status: STATUS[i.status],
    status_message: i.statusMessage,
    type: m.type,
    visibility: m.visibility,
    workspace_id: m.workspaceId,
    create_at: i.createdAt,
    update_at: i.updatedAt,
    tags: m.tags.map((t) => {
      const [key, value = ""] = t.split("=");
      return { key, value };
    }),
  };
}

/** The image as a notebook shows it. */
export const presentImageRef = (i: ImageRecord): Record<string, unknown> => {
  const ref = splitReference(i.reference);
  return { id: i.id, name: ref.name, swr_path: i.reference, tag: ref.tag, type: imageMetaOf(i).type };
};
