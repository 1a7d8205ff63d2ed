import type { Core } from "../../core";
import { ForbiddenError, UnauthenticatedError } from "../../core/errors";
import type { User, UserStatus } from "../../core/model";
import type { ApiContext, ApiMiddleware } from "../context";
import { tokenFrom } from "../middleware/auth";

/** OTE user status: 0 pending review, 1 approved, 2 not approved, 3 forbidden. */
export type OteStatus = 0 | 1 | 2 | 3;

/** The core status each OTE status shows (User.status is the only copy, checked by core.auth). */
const CORE_STATUS: Record<OteStatus, UserStatus> = {
  0: "pending",
  1: "active",
  2: "rejected",
  3: "disabled",
};
const OTE_STATUS: Record<UserStatus, OteStatus> = { pending: 0, active: 1, rejected: 2, disabled: 3 };
export const coreStatus = (status: OteStatus): UserStatus => CORE_STATUS[status];

/**
 * OTE roles as the authorization info reports them: 0 unauthorised, 1 general user, 2 general
 * (business) administrator, 3 super administrator, 4 system administrator (the hub's bootstrap admin).
 */
export type OteRole = 0 | 1 | 2 | 3 | 4;

/** What OTE shows about a user: `status` from User.status, the rest kept in User.extension.otestack. */
export interface OteProfile {
  status: OteStatus;
  role: OteRole;
  phone: string;
  /** The document's `realName`; "" for users made before it was kept. */
  realName: string;
  /** Business namespaces (`ns<id>`) the user works in. */
  namespaces: string[];
  /** Registered asking for administrator rights (role 2 on approval). */
  wantsAdmin: boolean;
  comment: string;
}

/**
 * The role shown: 4 (system administrator) is the core's global admin (User.admin) and nothing
 * else, so a demoted admin loses it at once (a stored 4 without User.admin reads as 1, a general
 * user); the other roles are kept in the profile. Users from other surfaces have role 1.
 */
function effectiveRole(user: User, stored: OteRole | undefined): OteRole {
  if (user.admin) return 4;
  return stored === undefined || stored === 4 ? 1 : stored;
}

/** The user's OTE profile; users from other surfaces have role 1 (admins role 4). */
export function profile(user: User): OteProfile {
  const p = user.extension["otestack"] as Partial<OteProfile> | undefined;
  return {
    status: OTE_STATUS[user.status],
    role: effectiveRole(user, p?.role),
    phone: p?.phone ?? "",
    realName: p?.realName ?? "",
    namespaces: p?.namespaces ?? [],
    wantsAdmin: p?.wantsAdmin ?? false,
    comment: p?.comment ?? "",
  };
}

/**
 * The profile stored: everything but the status, which is User.status. Granting role 4 makes the
 * user the core's global admin (only a global admin may: the callers check the role below theirs).
 */
export function withProfile(user: User, patch: Partial<OteProfile>): User {
  const { status, ...kept } = { ...profile(user), ...patch };
  const admin = patch.role === 4 ? true : user.admin;
  return { ...user, admin, status: coreStatus(status), extension: { ...user.extension, otestack: kept } };
}

/**
 * The role as the document numbers it (GET /v1/authorization): 0 waiting for approval, 1 approved
 * without a business, 2 general user, 3 business administrator, 4 system administrator. Our
 * profile keeps finer roles (README: OTE-stack compatibility); super administrators show as 4.
 */
export function documentedRole(u: User): 0 | 1 | 2 | 3 | 4 {
  const p = profile(u);
  if (p.status !== 1) return 0;
  if (p.role >= 3) return 4;
  if (p.role === 2) return 3;
  return p.namespaces.length > 0 ? 2 : 1;
}

export const isAdmin = (u: User): boolean => profile(u).role >= 2;
/** Super and system administrators see every namespace. */
export const seesAll = (u: User): boolean => profile(u).role >= 3;

/**
 * Whether `viewer` may see things of `namespace`: core.authz's `unit.read` of the business's quota
 * unit (its members and admins, the OTE roles mapped by grants.ts, and the global admin). A
 * namespace with no unit yet (a business not presented) is its own users' and super admins'.
 */
export function canSee(core: Core, viewer: User, namespace: string): boolean {
  const unit = core.quotaUnits.list().find((u) => u.meta["namespace"] === namespace);
  if (unit) return core.authz.can(viewer, "unit.read", { kind: "unit", unitId: unit.id });
  return seesAll(viewer) || profile(viewer).namespaces.includes(namespace);
}

/** The authenticated caller (after oteAuth). */
export function caller(ctx: ApiContext): User {
  const user = ctx.state.principal?.user;
  if (!user) throw new UnauthenticatedError("not logged in");
  return user;
}

/**
 * Token in `Authorization` with no scheme (or `Bearer`), valid and unrevoked, of an approved user.
 */
export function oteAuth(core: Core): ApiMiddleware {
  return async function oteAuth(ctx, next) {
    const token = tokenFrom(ctx);
    if (!token) throw new UnauthenticatedError("missing token: send Authorization: <token>");
    // core.auth refuses users who are not active (OTE status 1) with a ForbiddenError.
    ctx.state.principal = core.auth.authenticate(token);
    await next();
  };
}

/** Requires role >= `min` (2: any administrator). */
export function oteRole(min: OteRole): ApiMiddleware {
  return async function oteRole(ctx, next) {
    if (profile(caller(ctx)).role < min) throw new ForbiddenError(`role ${min} or higher required`);
    await next();
  };
}
