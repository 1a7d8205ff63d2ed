import type Router from "@koa/router";
import type { Core } from "../../core";
import { z } from "zod";
import { ConflictError, ForbiddenError, NotFoundError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import { WORK_KINDS, type NameGrammar } from "../../core/quota-units";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { ok, okPage, unix } from "./envelope";
import { caller, canSee, oteAuth, oteRole, profile, seesAll, withProfile } from "./identity";
import { objectOf, oteId } from "./ids";
import { BusinessAuditBody, BusinessBody, BusinessListQuery } from "./schemas";

/**
 * What OTE keeps on a business quota unit (QuotaUnit.meta.otestack); its namespace is
 * meta.namespace, its integer id is core.surfaceIds' (`otestack/business`).
 */
interface BusinessMeta {
  /** 0 pending, 1 approved, 2 disapproved. */
  status: 0 | 1 | 2;
  description: string;
  /** The document's introduce / objective / scale ("" when made in the older form or elsewhere). */
  introduce?: string;
  objective?: string;
  scale?: string;
  owner: string;
  comment: string;
}

/**
 * Units shown as businesses: every kind that holds work, OpenPAI's virtual clusters too (see the
 * `kind` note in core/quota-units.ts). A unit made on another face is an approved business with
 * its own namespace ns<id>, given the first time OTE shows it.
 */
export const BUSINESS_KINDS: ReadonlySet<QuotaUnit["kind"]> = WORK_KINDS;

/** OTE business names; others are shown (and found) under an alias OTE accepts. */
const BUSINESS_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/;
const BUSINESS_GRAMMAR: NameGrammar = {
  accepts: (name) => BUSINESS_NAME.test(name),
  spell: (name, attempt) => {
    let base = name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
    if (base.length < 2) base = `b-${base}`.replace(/^b-$/, "b0");
    const suffix = attempt === 0 ? "" : `-${attempt + 1}`;
    return base.slice(0, 63 - suffix.length) + suffix;
  },
};

/** `:id` of /business/id/:id: an OTE business id. */
const BusinessId = z.object({
  id: z.coerce
    .number("must be a positive integer")
    .int("must be a positive integer")
    .min(1, "must be a positive integer"),
});

const meta = (u: QuotaUnit): BusinessMeta => u.meta["otestack"] as BusinessMeta;

export const namespaceOf = (u: QuotaUnit): string | null =>
  (u.meta["namespace"] as string | undefined) ?? null;

/** The unit's OTE business id. */
const businessId = (core: Core, u: QuotaUnit): number => oteId(core, "business", u.id);

/** A business: the document's fields (userId: the requester's OTE user id, null if none) and the older ones. */
function presentBusiness(core: Core, u: QuotaUnit) {
  const m = meta(u);
  const owner = m.owner ? core.users.find(m.owner) : undefined;
  return {
    id: businessId(core, u),
    name: core.quotaUnits.faceName(u, BUSINESS_GRAMMAR),
    userId: owner ? oteId(core, "user", owner.id) : null,
    introduce: m.introduce ?? "",
    objective: m.objective ?? "",
    scale: m.scale ?? "",
    description: m.description,
    status: m.status,
    namespace: namespaceOf(u) ?? "",
    userName: m.owner,
    comment: m.comment,
    createTime: unix(u.createdAt),
    updateTime: unix(u.updatedAt),
  };
}

/** Every unit shown as a business, with its OTE id (and, if made elsewhere, namespace). */
export function businessUnits(core: Core): QuotaUnit[] {
  return core.quotaUnits.listKinds(BUSINESS_KINDS).map((u) => {
    if (u.meta["otestack"] !== undefined) return u;
    const id = businessId(core, u);
    const record: BusinessMeta = { status: 1, description: "", owner: "", comment: "" };
    return core.quotaUnits.setMeta(core.quotaUnits.setMeta(u, "otestack", record), "namespace", `ns${id}`);
  });
}

/**
 * The unit whose business namespace this is, whatever face made it (a Run:ai project's namespace
 * too): what is deployed there counts against its quota.
 */
export function businessUnitOf(core: Core, namespace: string): QuotaUnit | undefined {
  return businessUnits(core).find((u) => namespaceOf(u) === namespace);
}

/** The name of the business whose namespace is `namespace`; undefined when none. */
export function businessNameOf(core: Core, namespace: string): string | undefined {
  const unit = businessUnits(core).find((u) => namespaceOf(u) === namespace);
  return unit ? core.quotaUnits.faceName(unit, BUSINESS_GRAMMAR) : undefined;
}

/** Approved business namespaces. */
export function approvedNamespaces(core: Core): string[] {
  return businessUnits(core).flatMap((u) => namespaceOf(u) ?? []);
}

export function businessRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const businesses = () => businessUnits(core);
  const byOteId = (ctx: ApiContext): QuotaUnit => {
    const { id } = input(ctx, BusinessId);
    const u = core.quotaUnits.find(objectOf(core, "business", id, "business"));
    if (!u || !BUSINESS_KINDS.has(u.kind) || u.meta["otestack"] === undefined)
      throw new NotFoundError("business", String(id));
    return u;
  };
  const visible = (u: QuotaUnit, ctx: Parameters<typeof caller>[0]) => {
    const me = caller(ctx);
    const ns = namespaceOf(u);
    return seesAll(me) || meta(u).owner === me.username || (ns !== null && canSee(core, me, ns));
  };

  router.post("/business", auth, validate(BusinessBody), (ctx) => {
    const body = input(ctx, BusinessBody);
    const me = caller(ctx);
    if (body.documented) {
      // The document: only an administrator who has no business yet creates one.
      if (profile(me).role < 2) throw new ForbiddenError("only an administrator may create a business");
      const own = businesses().find((b) => meta(b).owner === me.username && meta(b).status !== 2);
      if (own) throw new ConflictError(`you already have business ${own.name}`);
    }
    const unit = core.quotaUnits.create({
      name: body.name,
      kind: "business",
      meta: {
        otestack: {
          status: 0,
          description: body.description,
          introduce: body.introduce ?? "",
          objective: body.objective ?? "",
          scale: body.scale ?? "",
          owner: me.username,
          comment: "",
        },
      },
    });
    ok(ctx, presentBusiness(core, unit));
  });
  router.get("/business", auth, validate(BusinessListQuery, "query"), (ctx) => {
    const q = input(ctx, BusinessListQuery);
    const list = businesses()
      .filter((u) => visible(u, ctx) && (q.status === undefined || meta(u).status === q.status))
      .map((u) => presentBusiness(core, u))
      .filter((b) => !q.name || b.name.includes(q.name))
      .sort((a, b) => (q.order === "asc" ? a.id - b.id : b.id - a.id));
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.get("/business/id/:id", auth, validate(BusinessId, "params"), (ctx) => {
    const u = byOteId(ctx);
    if (!visible(u, ctx)) throw new ForbiddenError("not your business");
    ok(ctx, presentBusiness(core, u));
  });
  router.put(
    "/business/id/:id",
    auth,
    oteRole(3),
    validate(BusinessId, "params"),
    validate(BusinessAuditBody),
    (ctx) => {
      const body = input(ctx, BusinessAuditBody);
      const u = byOteId(ctx);
      const m = meta(u);
      const namespace = body.status === 1 ? `ns${businessId(core, u)}` : namespaceOf(u);
      const saved = core.quotaUnits.save({
        ...u,
        meta: { ...u.meta, namespace, otestack: { ...m, status: body.status, comment: body.comment } },
      });
      if (body.status === 1 && namespace) {
        // The requester works in the new namespace.
        const owner = core.users.find(m.owner);
        if (owner && !profile(owner).namespaces.includes(namespace))
          core.users.save(withProfile(owner, { namespaces: [...profile(owner).namespaces, namespace] }));
      }
      ok(ctx, presentBusiness(core, saved));
    },
  );
}
