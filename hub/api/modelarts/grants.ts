import type { Core } from "../../core";
import type { Grant, GrantSource } from "../../core/authz/model";
import { mayUse } from "./workspace-routes";
import { workspaceMeta } from "./workspace-meta";

/**
 * ModelArts workspace access as core grants (docs/security.md, "Authorization model"): for the
 * units ModelArts made (kind `workspace`, the default one included), whoever may use it (PUBLIC:
 * everyone; INTERNAL: its grants; PRIVATE: its owner) is a member, and its owner administers it.
 * Units other faces made keep the access those faces give.
 */
export function modelartsGrants(core: Core): GrantSource {
  return (user): Grant[] =>
    core.quotaUnits.list("workspace").flatMap((unit): Grant[] => {
      if (workspaceMeta(unit).owner === user.username) return [{ role: "unit-admin", quotaUnitId: unit.id }];
      return mayUse(unit, user) ? [{ role: "member", quotaUnitId: unit.id }] : [];
    });
}
