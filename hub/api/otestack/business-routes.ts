import type Router from "@koa/router";
import type { Core } from "../../core";
import { ForbiddenError, NotFoundError, ValidationError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { ok, okPage, unix } from "./envelope";
import { caller, canSee, oteAuth, oteRole, profile, seesAll, withProfile } from "./identity";
import { BusinessAuditBody, BusinessBody, BusinessListQuery } from "./schemas";

/** What OTE keeps on a business quota unit (QuotaUnit.meta.otestack); its namespace is meta.namespace. */
interface BusinessMeta {
  oteId: number;
  /** 0 pending, 1 approved, 2 disapproved. */
  status: 0 | 1 | 2;
  description: string;
  owner: string;
  comment: string;
}

const NEXT_ID = "otestack_next_business_id";

const meta = (u: QuotaUnit): BusinessMeta => u.meta["otestack"] as BusinessMeta;

export const namespaceOf = (u: QuotaUnit): string | null =>
  (u.meta["namespace"] as string | undefined) ?? null;

export function presentBusiness(u: QuotaUnit) {
  const m = meta(u);
  return {
    id: m.oteId,
    name: u.name,
    description: m.description,
    status: m.status,
    namespace: namespaceOf(u) ?? "",
    userName: m.owner,
    comment: m.comment,
    createTime: unix(u.createdAt),
    updateTime: unix(u.updatedAt),
  };
}

/** Approved business namespaces. */
export function approvedNamespaces(core: Core): string[] {
  return core.quotaUnits.list("business").flatMap((u) => namespaceOf(u) ?? []);
}

export function businessRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const businesses = () => core.quotaUnits.list("business").filter((u) => u.meta["otestack"] !== undefined);
  const byOteId = (raw: string | undefined): QuotaUnit => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) throw new ValidationError("id", "must be a positive integer");
    const u = businesses().find((b) => meta(b).oteId === id);
    if (!u) throw new NotFoundError("business", String(raw));
    return u;
  };
  const visible = (u: QuotaUnit, ctx: Parameters<typeof caller>[0]) => {
    const me = caller(ctx);
    const ns = namespaceOf(u);
    return seesAll(me) || meta(u).owner === me.username || (ns !== null && canSee(me, ns));
  };

  router.post("/business", auth, validate(BusinessBody), (ctx) => {
    const body = input(ctx, BusinessBody);
    const oteId = Number(core.store.settings.get(NEXT_ID) ?? "1");
    core.store.settings.set(NEXT_ID, String(oteId + 1));
    const unit = core.quotaUnits.create({
      name: body.name,
      kind: "business",
      meta: {
        otestack: {
          oteId,
          status: 0,
          description: body.description,
          owner: caller(ctx).username,
          comment: "",
        },
      },
    });
    ok(ctx, presentBusiness(unit));
  });
  router.get("/business", auth, validate(BusinessListQuery, "query"), (ctx) => {
    const q = input(ctx, BusinessListQuery);
    const list = businesses()
      .filter((u) => visible(u, ctx) && (q.status === undefined || meta(u).status === q.status))
      .sort((a, b) => meta(b).oteId - meta(a).oteId)
      .map(presentBusiness);
    okPage(ctx, list, q.page, q.pageSize);
  });
  router.get("/business/id/:id", auth, (ctx) => {
    const u = byOteId(ctx.params["id"]);
    if (!visible(u, ctx)) throw new ForbiddenError("not your business");
    ok(ctx, presentBusiness(u));
  });
  router.put("/business/id/:id", auth, oteRole(3), validate(BusinessAuditBody), (ctx) => {
    const body = input(ctx, BusinessAuditBody);
    const u = byOteId(ctx.params["id"]);
    const m = meta(u);
    const namespace = body.status === 1 ? `ns${m.oteId}` : namespaceOf(u);
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
    ok(ctx, presentBusiness(saved));
  });
}
