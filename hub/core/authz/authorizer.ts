import { ForbiddenError } from "../errors";
import type { QuotaUnit, User } from "../model";
import { defaultPriorityClass, PRIORITY_CLASSES } from "../priority-classes";
import type { Action, Grant, GrantSource, PriorityAsk, Resource } from "./model";

/** The quota units the authorizer walks (parents and children); QuotaUnitService answers it. */
export interface UnitTree {
  find(id: string): QuotaUnit | undefined;
  list(): QuotaUnit[];
}

/** The highest priority of any class: what a quota unit's admin may give its work. */
const TOP_CLASS_PRIORITY = Math.max(...Object.values(PRIORITY_CLASSES).map((c) => c.priority));

/**
 * The one place that decides who may do what (model.ts), for every surface. Surfaces ask
 * `can`/`require` with the core words; their own roles reach it only as grants (GrantSource).
 */
export class Authorizer {
  private readonly sources = new Map<string, GrantSource>();

  constructor(private readonly units: UnitTree) {}

  /** Adds a surface's mapping of its roles onto grants (wired by the composition root). */
  addGrantSource(name: string, source: GrantSource): void {
    this.sources.set(name, source);
  }

  isAdmin(user: User): boolean {
    return user.admin;
  }

  /** Every grant the user holds, from every surface's mapping. */
  grants(user: User): Grant[] {
    return [...this.sources.values()].flatMap((source) => source(user));
  }

  /** Ids of the units `user` administers: those granted and every unit below them. */
  administered(user: User): Set<string> {
    const roots = this.grants(user)
      .filter((g) => g.role === "unit-admin")
      .map((g) => g.quotaUnitId);
    return this.withDescendants(roots);
  }

  /** Whether `user` may do `action` on `resource`. */
  can(user: User, action: Action, resource: Resource): boolean {
    if (this.isAdmin(user)) return true;
    switch (action) {
      case "system.read":
        return true;
      case "system.write":
        return false;
      case "unit.submit":
      case "unit.read":
        return resource.kind === "unit" && (resource.unitId === null || this.isMember(user, resource.unitId));
      case "unit.manage":
        return (
          resource.kind === "unit" && resource.unitId !== null && this.administered(user).has(resource.unitId)
        );
      case "object.read":
      case "object.write":
        return (
          resource.kind === "object" &&
          (resource.owner === user.username ||
            (resource.unitId !== null && this.administered(user).has(resource.unitId)))
        );
      case "user.manage":
        return resource.kind === "user" && this.managesUser(user, resource.user);
    }
  }

  /** Throws ForbiddenError (with `message`, or a plain one) unless `can`. */
  require(user: User, action: Action, resource: Resource, message?: string): void {
    if (!this.can(user, action, resource)) throw new ForbiddenError(message ?? `not allowed: ${action}`);
  }

  /**
   * The highest priority `user` may give work of `kind` in unit `unitId`: any for the global
   * admin; the top class (inference, 125) for the unit's admin; otherwise `build` (100) or the
   * kind's default class, whichever is higher. Numbers beyond any class are the admin's alone.
   */
  priorityRight(user: User, ask: Omit<PriorityAsk, "priority">): number {
    if (this.isAdmin(user)) return Number.POSITIVE_INFINITY;
    if (ask.unitId !== null && this.administered(user).has(ask.unitId)) return TOP_CLASS_PRIORITY;
    return Math.max(
      PRIORITY_CLASSES.build.priority,
      PRIORITY_CLASSES[defaultPriorityClass(ask.kind)].priority,
    );
  }

  /**
   * Refuses a submission into a unit the user is not a member of, or above their priority right
   * (every submission path of every surface calls this, through core.workloads or itself).
   */
  requireSubmit(user: User, ask: PriorityAsk): void {
    if (!this.can(user, "unit.submit", { kind: "unit", unitId: ask.unitId })) {
      const unit = ask.unitId === null ? undefined : this.units.find(ask.unitId);
      throw new ForbiddenError(
        `user ${user.username} is not a member of ${unit?.kind ?? "quota unit"} ${unit?.name ?? ask.unitId}`,
      );
    }
    const right = this.priorityRight(user, ask);
    if (ask.priority > right)
      throw new ForbiddenError(
        `priority ${ask.priority} is above what user ${user.username} may ask for (${right})`,
      );
  }

  /** Member of the unit, or admin of it or a unit above it. */
  private isMember(user: User, unitId: string): boolean {
    if (this.grants(user).some((g) => g.role === "member" && g.quotaUnitId === unitId)) return true;
    return this.administered(user).has(unitId);
  }

  /**
   * A quota-unit admin manages a user who belongs to a unit they administer and whose own
   * administration (if any) lies strictly within theirs; never a global admin. The global admin
   * manages everyone.
   */
  private managesUser(admin: User, target: User): boolean {
    if (this.isAdmin(target)) return false;
    const mine = this.administered(admin);
    if (mine.size === 0) return false;
    const theirs = this.administered(target);
    const units = this.grants(target).map((g) => g.quotaUnitId);
    if (!units.some((u) => mine.has(u))) return false;
    for (const u of theirs) if (!mine.has(u)) return false;
    return [...mine].some((u) => !theirs.has(u));
  }

  private withDescendants(roots: readonly string[]): Set<string> {
    const out = new Set(roots);
    if (out.size === 0) return out;
    const all = this.units.list();
    let grew = true;
    while (grew) {
      grew = false;
      for (const u of all)
        if (u.parentId !== null && out.has(u.parentId) && !out.has(u.id)) {
          out.add(u.id);
          grew = true;
        }
    }
    return out;
  }
}
