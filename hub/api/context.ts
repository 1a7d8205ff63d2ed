import type Koa from "koa";
import type { Principal } from "../core/auth";

/** Per-request state every middleware and handler shares. */
export interface ApiState {
  requestId: string;
  principal?: Principal;
  /** Validated input, set by validate(). */
  input?: unknown;
  /** Validated path parameters, set by validate(schema, "params"). */
  params?: unknown;
}

export type ApiContext = Koa.ParameterizedContext<ApiState>;
export type ApiMiddleware = Koa.Middleware<ApiState>;
