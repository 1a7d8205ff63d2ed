import type Koa from "koa";
import type { z } from "zod";
import type { Principal } from "../core/auth";

/** Per-request state every middleware and handler shares. */
export interface ApiState {
  requestId: string;
  principal?: Principal;
  /** The native API's session cookie, when it stands in for a token (native/session-cookie.ts). */
  sessionToken?: string;
  /** Validated input, set by validate(). */
  input?: unknown;
  /** Each validated input by the schema that validated it (read with input(ctx, schema)). */
  inputs?: Map<z.ZodType, unknown>;
  /** Whether the request's token verified when its body was announced (body-limit.ts). */
  bodyAuthenticated?: boolean;
}

export type ApiContext = Koa.ParameterizedContext<ApiState>;
export type ApiMiddleware = Koa.Middleware<ApiState>;
