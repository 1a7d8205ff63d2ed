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

export const LoginBody = z.object({
  username: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
});

export const RegisterBody = z.object({
  username: Username,
  password: Password,
  phone: Phone.optional(),
  email: z.email("must be an email address").optional(),
  isAdmin: z.boolean().default(false),
  namespace: Namespace.optional(),
});

export const SubUserBody = z.object({
  username: Username,
  password: Password,
  role: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  namespace: Namespace,
  phone: Phone.optional(),
  email: z.email("must be an email address").optional(),
});

export const PasswordChangeBody = z.object({
  oldPassword: z.string().min(1, "is required"),
  newPassword: Password,
});
export const PasswordResetBody = z.object({ password: Password });
export const UserAuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: "must be 1, 2 or 3" }),
  role: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  comment: z.string().max(256).default(""),
});
export const UserListQuery = z.object({
  status: z.coerce.number().int().min(0).max(3).optional(),
  ...paging(10),
});

export const BusinessBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/, "must be 2-63 letters, digits, '_' or '-'"),
  description: z.string().max(256).default(""),
});
export const BusinessAuditBody = z.object({
  status: z.union([z.literal(1), z.literal(2)], { error: "must be 1 (approve) or 2 (disapprove)" }),
  comment: z.string().max(256).default(""),
});
export const BusinessListQuery = z.object({
  status: z.coerce.number().int().min(0).max(2).optional(),
  ...paging(10),
});

export const ClusterListQuery = z.object({ clusterLabel: z.string().default("all"), ...paging(0) });
export const ClusterLabelBody = z.object({
  clusterName: z.string().min(1, "is required"),
  labels: z.array(Label).min(1, "at least one label"),
});
export const NodeListQuery = z.object({
  field: z.string().optional(),
  nodeLabel: z.string().optional(),
  clusterName: z.string().optional(),
  nodeName: z.string().optional(),
  ...paging(10),
});
export const NodeLabelBody = z.object({
  clusterName: z.string().min(1, "is required"),
  nodeName: z.string().min(1, "is required"),
  labels: z.array(Label).min(1, "at least one label"),
  deleteDeploy: z.boolean().default(false),
});
export const NodeLabelQuery = z.object({
  clusterName: z.string().optional(),
  nodeName: z.string().optional(),
});
