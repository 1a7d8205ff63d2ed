import type { Core } from "../../core";
import type { Grant } from "../../core/authz/model";
import type { Group, User } from "../../core/model";
import { findVc, VC_NAME, vcName, vcUnits } from "./vc-names";

/** OpenPAI's default config: `adminGroup` and the `default` group/VC every user belongs to. */
export const ADMIN_GROUP = "admingroup";
export const DEFAULT_VC = "default";
/** Group and VC names (docs/compat/openpai.md §6/§7). */
export const GROUP_NAME = VC_NAME;

export interface Acls {
  admin: boolean;
  virtualClusters: string[];
  storageConfigs: string[];
}

/** A group's OpenPAI `extension.acls`, with defaults for groups made elsewhere. */
export function aclsOf(group: Pick<Group, "extension">): Acls {
  const acls = (group.extension.acls ?? {}) as Partial<Acls>;
  return {
    admin: acls.admin === true,
    virtualClusters: Array.isArray(acls.virtualClusters) ? acls.virtualClusters.map(String) : [],
    storageConfigs: Array.isArray(acls.storageConfigs) ? acls.storageConfigs.map(String) : [],
  };
}

export function withAcls(group: Group, acls: Partial<Acls>): Group {
  return { ...group, extension: { ...group.extension, acls: { ...aclsOf(group), ...acls } } };
}

/** Admin and VC access come from groups (docs/compat/openpai.md §6); User.admin is kept equal to it. */
export class Access {
  constructor(private readonly core: Core) {}

  groupsOf(user: User): Group[] {
    return user.groups.flatMap((g) => this.core.groups.find(g) ?? []);
  }

  /** The core's global admin (User.admin, kept equal to the admin groups by setGroups). */
  isAdmin(user: User): boolean {
    return this.core.authz.isAdmin(user);
  }

  /** The user's VC access as core grants: member of each VC's quota unit its groups name. */
  grants(user: User): Grant[] {
    const names = new Set(this.groupsOf(user).flatMap((g) => aclsOf(g).virtualClusters));
    return [...names].flatMap((vc) => {
      const unit = findVc(this.core, vc);
      return unit ? [{ role: "member" as const, quotaUnitId: unit.id }] : [];
    });
  }

  /** Every VC name the user may submit to; admins get every VC. */
  virtualClusters(user: User): string[] {
    const all = this.allVcNames();
    if (this.isAdmin(user)) return all;
    const mine = new Set(this.groupsOf(user).flatMap((g) => aclsOf(g).virtualClusters));
    return all.filter((vc) => mine.has(vc));
  }

  /** By VC name, or by the name or any alias of a unit made on another face. */
  canUseVc(user: User, vc: string): boolean {
    const unit = findVc(this.core, vc);
    return unit !== undefined && this.virtualClusters(user).includes(vcName(this.core, unit));
  }

  /** Every VC name: OpenPAI's VCs and every unit of another face that can take jobs. */
  allVcNames(): string[] {
    return vcUnits(this.core).map((v) => v.name);
  }

  /** Saves new memberships and recomputes User.admin from them. */
  setGroups(user: User, groups: string[]): User {
    const unique = [...new Set(groups)];
    const admin = unique.some((g) => {
      const group = this.core.groups.find(g);
      return group !== undefined && aclsOf(group).admin;
    });
    return this.core.users.save({ ...user, groups: unique, admin });
  }

  /** Recomputes User.admin of every member after a group's acls changed. */
  resyncMembers(groupName: string): void {
    for (const u of this.core.groups.members(groupName)) this.setGroups(u, u.groups);
  }
}
