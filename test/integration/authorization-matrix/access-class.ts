/** Who a route lets through; the classes are described in ../authorization-matrix.table.ts. */
export type AccessClass = "public" | "login" | "self" | "owner" | "admin" | "ote-admin" | "ote-super";
