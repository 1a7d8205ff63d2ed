/**
 * What the /v1/repository routes share: the hub's registry (CORRAL_REGISTRY_URL), projects as the
 * first path segment of image names, and who may see a project.
 */
import type { Core } from "../../core";
import { ConflictError } from "../../core/errors";
import type { User } from "../../core/model";
import { RegistryClient } from "../../registry/client";
import { unix } from "./envelope";
import { seesAll } from "./identity";
import type { OteSettings } from "./settings";

/** The hub's registry; 409 when none is configured. */
export function registryOf(settings: OteSettings): RegistryClient {
  if (!settings.registryUrl)
    throw new ConflictError("no registry configured: set CORRAL_REGISTRY_URL on the hub");
  return new RegistryClient(settings.registryUrl);
}

/** Projects are the first path segment of repository names (Harbor-style `project/image`). */
export const projectOfRepository = (name: string): string =>
  name.includes("/") ? (name.split("/")[0] as string) : "library";

/** Times of an image's tags, Unix ms (null where the registry names none). */
export const tagTimes = async (r: RegistryClient, name: string, tags: string[]) =>
  Promise.all(tags.map(async (tag) => ({ tag, created: await r.created(name, tag) })));

/** OTE create/update times (Unix s) spanning `times` (Unix ms); null where none is known. */
export function span(times: (number | null)[]): { createTime: number | null; updateTime: number | null } {
  const known = times.filter((t): t is number => t !== null);
  return known.length === 0
    ? { createTime: null, updateTime: null }
    : { createTime: unix(Math.min(...known)), updateTime: unix(Math.max(...known)) };
}

/**
 * Whether `viewer` sees project `name`: a created private project is its owner's and the
 * administrators' who see every namespace; public ones and projects nobody created (images
 * pushed under a new name) are everyone's.
 */
export function seesProject(core: Core, viewer: User, name: string): boolean {
  const p = core.registryProjects.byName(name);
  return !p || p.public || p.owner === viewer.username || seesAll(viewer);
}

/** Whether the project is public (true for projects nobody created). */
export const isPublicProject = (core: Core, name: string): boolean =>
  core.registryProjects.byName(name)?.public ?? true;
