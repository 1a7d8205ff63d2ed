import type { Core } from "../../core";
import type { Grant, GrantSource } from "../../core/authz/model";
import { businessUnitOf, businessUnits } from "./business-routes";
import { profile } from "./identity";

/**
 * OTE roles as core grants (docs/security.md, "Authorization model"): role 4 is the global admin
 * (User.admin, no grant needed); role 3 (super administrator) administers every business; role 2
 * (general administrator) the businesses of its namespaces; roles 0-1 are members of theirs (a
 * pending user cannot log in, but its reviewer is the admin of the business it asked for).
 */
export function oteGrants(core: Core): GrantSource {
  return (user): Grant[] => {
    const p = profile(user);
    if (p.role >= 3) return businessUnits(core).map((u) => ({ role: "unit-admin", quotaUnitId: u.id }));
    const role = p.role === 2 ? "unit-admin" : "member";
    return p.namespaces.flatMap((ns) => {
      const unit = businessUnitOf(core, ns);
      return unit ? [{ role, quotaUnitId: unit.id }] : [];
    });
  };
}
