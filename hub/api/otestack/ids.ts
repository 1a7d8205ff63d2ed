import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";

/** OTE-stack's integer ids, one core.surfaceIds key per kind of object it numbers. */
export const OTE_IDS = {
  app: "otestack/app",
  deployment: "otestack/deployment",
  externalRepo: "otestack/external-repo",
  chart: "otestack/chart",
  /** Business ids (of quota units shown as businesses). */
  business: "otestack/business",
  user: "otestack/user",
  project: "otestack/project",
} as const;
export type OteIdKind = keyof typeof OTE_IDS;

/** The OTE integer of a core object (assigned on first sight). */
export const oteId = (core: Core, kind: OteIdKind, objectId: string): number =>
  core.surfaceIds.assign(OTE_IDS[kind], objectId);

/** The core object id an OTE integer stands for; 404 when none. */
export function objectOf(core: Core, kind: OteIdKind, id: number, what: string): string {
  const objectId = core.surfaceIds.objectOf(OTE_IDS[kind], id);
  if (objectId === undefined) throw new NotFoundError(what, String(id));
  return objectId;
}
