import type { User, WorkloadKind } from "../model";

/**
 * The one authorization model every surface maps onto (docs/security.md, "Authorization model").
 *
 * Subjects are users (a principal's user). Roles, from the widest:
 * - `admin`: global administrator (User.admin; OpenPAI's admin groups and OTE role 4 are this);
 * - `unit-admin` of a quota unit: administers the unit and every unit below it (OTE roles 2-3);
 * - `member` of a quota unit: may submit into it and read its shared objects (OpenPAI VC access,
 *   OTE role 1 in a business).
 * Every user also owns their own objects (workloads, deployments, credentials they made).
 */
export type UnitRole = "unit-admin" | "member";

/** A role in one quota unit (and, for `unit-admin`, the units below it). */
export interface Grant {
  role: UnitRole;
  quotaUnitId: string;
}

/**
 * Where a surface's own role words become grants (OpenPAI groups' VC acls, OTE namespaces and
 * roles). Registered by the composition root from each surface's hooks; the decision stays in core.
 */
export type GrantSource = (user: User) => readonly Grant[];

/**
 * What is asked. `system.*` is the hub's shared estate (nodes, clusters, labels, node pools, join
 * tokens, quota units themselves, other users' accounts at large): reading it needs a login,
 * changing it the global admin.
 */
export type Action =
  /** Read the hub's shared estate (node and cluster lists, quota units). */
  | "system.read"
  /** Change the hub's shared estate: node/cluster labels, cordon, node pools, join tokens, quota. */
  | "system.write"
  /** Submit work into a quota unit (or, with none, into the hub at large). */
  | "unit.submit"
  /** Read what a quota unit's members share (OTE business apps, charts, deployments). */
  | "unit.read"
  /** Administer a quota unit: audit its work, manage its members' objects. */
  | "unit.manage"
  /** Read an owned object (a workload, its tasks, logs and metrics). */
  | "object.read"
  /** Change or delete an owned object. */
  | "object.write"
  /** Manage another user's account: reset a password, change status or role, delete. */
  | "user.manage";

/** What an action is asked on. */
export type Resource =
  | { kind: "system" }
  /** A quota unit by id; null: no unit (work in the hub at large). */
  | { kind: "unit"; unitId: string | null }
  /** An object with an owner (a username) in a quota unit (or none). */
  | { kind: "object"; owner: string; unitId: string | null }
  | { kind: "user"; user: User };

/** The most a submission asks for, checked against the caller's priority right. */
export interface PriorityAsk {
  kind: WorkloadKind;
  unitId: string | null;
  priority: number;
}
