import type { AccessClass } from "./access-class";

/** Rows of the authorization matrix (see authorization-matrix.table.ts) for the pool-nodes routes. */
export const ROWS: Readonly<Record<string, AccessClass>> = {};
