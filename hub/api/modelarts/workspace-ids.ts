import type { Core } from "../../core";
import { NotFoundError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import { WORK_KINDS } from "../../core/quota-units";

/** The default workspace's id: it always exists (ModelArts's "0"). */
export const DEFAULT_WORKSPACE_ID = "0";

/** The surface's key in a quota unit's meta: `{default: true}` marks the unit behind "0". */
export const META_KEY = "modelarts";

/** The name other faces show for the unit behind workspace "0" ("default" is OpenPAI's VC). */
export const DEFAULT_WORKSPACE_UNIT = "modelarts-default";

const isDefault = (u: QuotaUnit): boolean =>
  (u.meta[META_KEY] as { default?: boolean } | undefined)?.default === true;

/**
 * ModelArts workspaces are core quota units (every unit that holds work, whatever face made it):
 * a workspace id is the unit's UUID without dashes, and "0" is a workspace unit the surface makes
 * at start.
 */
export class WorkspaceIds {
  constructor(private readonly core: Core) {}

  /** Makes the unit behind "0" when it is missing (the surface's bootstrap). */
  ensureDefault(): QuotaUnit {
    const found = this.core.quotaUnits.listKinds(WORK_KINDS).find(isDefault);
    if (found) return found;
    return this.core.quotaUnits.create({
      name: DEFAULT_WORKSPACE_UNIT,
      kind: "workspace",
      meta: { [META_KEY]: { default: true } },
    });
  }

  idOf(unit: QuotaUnit): string {
    return isDefault(unit) ? DEFAULT_WORKSPACE_ID : unit.id.replace(/-/g, "");
  }

  /** The unit of a workspace id; NotFoundError("workspace") (ModelArts.7005) when none. */
  unitOf(workspaceId: string): QuotaUnit {
    const unit = this.find(workspaceId);
    if (!unit) throw new NotFoundError("workspace", workspaceId);
    return unit;
  }

  find(workspaceId: string): QuotaUnit | undefined {
    if (workspaceId === DEFAULT_WORKSPACE_ID) return this.ensureDefault();
    if (!/^[0-9a-f]{32}$/.test(workspaceId)) return undefined;
    const w = workspaceId;
    const uuid = `${w.slice(0, 8)}-${w.slice(8, 12)}-${w.slice(12, 16)}-${w.slice(16, 20)}-${w.slice(20)}`;
    const unit = this.core.quotaUnits.find(uuid);
    return unit && WORK_KINDS.has(unit.kind) ? unit : undefined;
  }
}
