import { z } from "zod";

/** Request schemas of the OTE-stack surface (README: OTE-stack compatibility). */
export const Password = z
  .string()
  .min(8, "must be 8-20 characters")
  .max(20, "must be 8-20 characters")
  .regex(/[A-Z]/, "must contain an upper-case letter")
  .regex(/[a-z]/, "must contain a lower-case letter")
  .regex(/[0-9]/, "must contain a digit");

const Username = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/, "must be 3-32 letters, digits, '_', '.' or '-'");
const Phone = z.string().regex(/^\d{11}$/, "must be 11 digits");
export const Namespace = z.string().regex(/^ns\d+$/, "must be a business namespace ns<id>");
const Label = z
  .string()
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.=-]*$/, "must be letters, digits, '_', '.', '-' or '='");

/** An OTE integer id in the path (`/.../:id`). */
export const OteIdParams = z.object({
  id: z.coerce
    .number({ error: "must be a positive integer" })
    .int("must be a positive integer")
    .min(1, "must be a positive integer"),
});

/** `page` from 1; `pageSize` 0 means unlimited. */
export const paging = (defaultSize: number) => ({
  page: z.coerce.number().int().min(1, "must be >= 1").default(1),
  pageSize: z.coerce.number().int().min(0, "must be >= 0 (0: unlimited)").default(defaultSize),
});

/** The document's user names (its example is "u1"): 1-32 characters. */
const UserName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, "must be 1-32 letters, digits, '_', '.' or '-'");
const RealName = z.string().min(1, "is required").max(64, "must be at most 64 characters");

/**
 * The document names the user `user`; earlier hubs took `username` (3-32 characters). Either is
 * accepted and errors name the field that was sent. In the document's form realName and phone are
 * required where `required` says so; `legacy` tells the handler which form came.
 */
function eitherUserField<S extends z.ZodRawShape>(
  shape: S,
  legacyName: z.ZodType<string>,
  documented: boolean,
) {
  return z
    .object({ ...shape, user: UserName.optional(), username: legacyName.optional() })
    .superRefine((b, ctx) => {
      const r = b as Record<string, unknown>;
      if (r["user"] === undefined && r["username"] === undefined)
        ctx.addIssue({ code: "custom", path: ["user"], message: "is required" });
      if (!documented || r["user"] === undefined) return;
      for (const f of ["realName", "phone"])
        if (r[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "is required" });
    })
    .transform((b) => {
      const r = b as Record<string, unknown>;
      return { ...b, user: (r["user"] ?? r["username"]) as string, legacy: r["user"] === undefined };
    });
}

export const LoginBody = eitherUserField(
  { password: z.string().min(1, "is required") },
  z.string().min(1, "is required"),
  false,
);

export const RegisterBody = eitherUserField(
  {
    password: Password,
    phone: Phone.optional(),
    realName: RealName.optional(),
    email: z.email("must be an email address").optional(),
    isAdmin: z.boolean().default(false),
    namespace: Namespace.optional(),
  },
  Username,
  true,
);

/** The document's body, or the older `{username, role, namespace}` one. */
export const SubUserBody = eitherUserField(
  {
    password: Password,
    isAdmin: z.boolean().optional(),
    role: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    namespace: Namespace.optional(),
    phone: Phone.optional(),
    realName: RealName.optional(),
    email: z.email("must be an email address").optional(),
  },
  Username,
  true,
);

/** `PUT /v1/user {oldPassword, password}`; `PUT /v1/user/password` sent `newPassword`. */
export const PasswordChangeBody = z
  .object({
    oldPassword: z.string().min(1, "is required"),
    password: Password.optional(),
    newPassword: Password.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.password === undefined && b.newPassword === undefined)
      ctx.addIssue({ code: "custom", path: ["password"], message: "is required" });
  })
  .transform((b) => ({ oldPassword: b.oldPassword, password: (b.password ?? b.newPassword) as string }));
export const PasswordResetBody = z.object({ password: Password });
/** The older `/status` audit: 1-3 with an optional role. */
export const UserAuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: "must be 1, 2 or 3" }),
  role: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  comment: z.string().max(256).default(""),
});
/** The document's audit `PUT /v1/admin/user/[userId] {status}`: 0 pending ... 3 forbidden. */
export const UserStatusBody = z.object({
  status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], {
    error: "must be 0, 1, 2 or 3",
  }),
  comment: z.string().max(256).default(""),
});
/** `/v1/admin/user/[userId]`: the document's numeric id; the older hub took the user name. */
export const UserParams = z.object({ user: z.string().min(1) });
export const Order = z.enum(["asc", "desc"], { error: "must be asc or desc" });
export const UserListQuery = z.object({
  status: z.coerce.number().int().min(0).max(3).optional(),
  orderBy: z.enum(["id", "user_name"], { error: "must be id or user_name" }).default("id"),
  order: Order.default("asc"),
  ...paging(10),
});

const BusinessText = z.string().max(1024, "must be at most 1024 characters");
/**
 * The document's `{name, introduce, objective, scale}` (all required once any of the three is
 * sent); a body with `name` (and `description`) alone is the older hubs' form, still served.
 */
export const BusinessBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/, "must be 2-63 letters, digits, '_' or '-'"),
    description: z.string().max(256).default(""),
    introduce: BusinessText.optional(),
    objective: BusinessText.optional(),
    scale: BusinessText.optional(),
  })
  .superRefine((b, ctx) => {
    const fields = ["introduce", "objective", "scale"] as const;
    if (fields.every((f) => b[f] === undefined)) return;
    for (const f of fields)
      if (b[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "is required" });
  })
  .transform((b) => ({ ...b, documented: b.introduce !== undefined }));
export const BusinessAuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2)], { error: "must be 1 (approve) or 2 (disapprove)" }),
  comment: z.string().max(256).default(""),
});
export const BusinessListQuery = z.object({
  status: z.coerce.number().int().min(0).max(2).optional(),
  name: z.string().optional(),
  orderBy: z.enum(["id"], { error: "must be id" }).default("id"),
  order: Order.default("asc"),
  ...paging(10),
});

export const ClusterListQuery = z.object({ clusterLabel: z.string().default("all"), ...paging(0) });
/** One name or the document's list of names. */
const Names = z.union([
  z.string().min(1, "is required"),
  z.array(z.string().min(1)).min(1, "at least one name"),
]);
const asList = (n: string | string[]): string[] => (typeof n === "string" ? [n] : n);

/**
 * The document's `{clusterLabel, clusterName: [..]}`, or the older `{clusterName, labels: [..]}`;
 * both read as the clusters and the labels to add or remove.
 */
export const ClusterLabelBody = z
  .object({
    clusterName: Names,
    clusterLabel: Label.optional(),
    labels: z.array(Label).min(1, "at least one label").optional(),
  })
  .superRefine((b, ctx) => {
    if (b.clusterLabel === undefined && b.labels === undefined)
      ctx.addIssue({
        code: "custom",
        path: [Array.isArray(b.clusterName) ? "clusterLabel" : "labels"],
        message: "is required",
      });
  })
  .transform((b) => ({
    clusters: asList(b.clusterName),
    labels: b.clusterLabel !== undefined ? [b.clusterLabel] : (b.labels ?? []),
    documented: b.clusterLabel !== undefined,
  }));
export const ClusterLabelsQuery = z.object({ ...paging(10) });
export const NodeListQuery = z.object({
  field: z.string().optional(),
  nodeLabel: z.string().optional(),
  clusterName: z.string().optional(),
  nodeName: z.string().optional(),
  ...paging(10),
});
/** The document's `{nodeLabel, clusterName, nodeName: [..], deleteDeploy}`, or the older `{nodeName, labels}`. */
export const NodeLabelBody = z
  .object({
    clusterName: z.string().min(1, "is required"),
    nodeName: Names,
    nodeLabel: Label.optional(),
    labels: z.array(Label).min(1, "at least one label").optional(),
    deleteDeploy: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (b.nodeLabel === undefined && b.labels === undefined)
      ctx.addIssue({
        code: "custom",
        path: [Array.isArray(b.nodeName) ? "nodeLabel" : "labels"],
        message: "is required",
      });
  })
  .transform((b) => ({
    clusterName: b.clusterName,
    nodes: asList(b.nodeName),
    labels: b.nodeLabel !== undefined ? [b.nodeLabel] : (b.labels ?? []),
    deleteDeploy: b.deleteDeploy,
    documented: b.nodeLabel !== undefined,
  }));
export const NodeLabelQuery = z.object({
  clusterName: z.string().optional(),
  nodeName: z.string().optional(),
});
