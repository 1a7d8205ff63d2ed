import type { Logger } from "pino";
import type { HubConfig } from "../config";
import type { Core } from "../core";
import type { GrantSource } from "../core/authz/model";
import type { EnvDecorator, PullSecretResolver } from "../core/desired";
import type { ApiContext, ApiMiddleware } from "./context";
import type { ErrorRenderer } from "./middleware/errors";
import type { RouteEntry } from "./route-table";

/**
 * What a surface gives the core, wired by the composition root (hub/hub.ts startHub) and never
 * by the surface itself: a surface's factory only builds objects, it calls no setter.
 */
export interface SurfaceHooks {
  /** Runs once at start, before the hub listens (OpenPAI's admin and default groups and VC). */
  bootstrap?: () => void;
  /** Environment this surface adds to its tasks' containers (OpenPAI's PAI_* variables). */
  envDecorators?: readonly EnvDecorator[];
  /** Credentials for pullSecret names under `prefix` (each surface owns one, e.g. "otestack/"). */
  pullSecretResolvers?: readonly { prefix: string; resolve: PullSecretResolver }[];
  /**
   * Runs shortly after the core asks for a scheduling pass (nodes came or went, work ended), at
   * most once per CLUSTER_CHANGE_DEBOUNCE_MS: state the surface derives from the cluster's size.
   */
  onClusterChange?: () => void;
  /**
   * The surface's own roles as core grants (OpenPAI VC access, OTE namespaces and roles), for
   * core.authz: the decision is the core's, the surface only says what its words mean.
   */
  grants?: GrantSource;
}

/** One path segment: a literal, or a pattern matching the whole segment. */
export type Segment = string | RegExp;

/** Paths a surface answers, by their leading segments (constructors and the rule: ownership.ts). */
export interface PathClaim {
  /** Leading segments: "/v1/k8s" is ["v1", "k8s"]. */
  readonly segments: readonly Segment[];
  /** Only this very path, not the tree below it. @default false */
  readonly exact?: boolean;
  /** Only this method. @default any */
  readonly method?: string;
  /**
   * Only the requests this accepts, for a path another surface also answers. The body is read
   * (once, by the shared parser) before it is asked; a body that cannot be read is answered by
   * this claim's surface.
   */
  readonly when?: (ctx: ApiContext) => boolean;
}

/** One REST surface over the core: a translator with its own paths, words and error shape. */
export interface Surface {
  /** Short name for logs ("openpai"). */
  readonly name: string;
  /** The paths it answers; ownership.ts decides between surfaces that claim the same paths. */
  readonly owns: readonly PathClaim[];
  /**
   * Its stack (body parsing, routes, its own 404 last). It sees only requests it owns; errors it
   * throws are answered by the error factory with `errors`.
   */
  readonly routes: ApiMiddleware;
  readonly errors: ErrorRenderer;
  readonly hooks: SurfaceHooks;
  /**
   * Every route it answers (routesOf(router), plus routes served outside the router), for the
   * authorization matrix test: a route missing here or missing its expected outcome there fails it.
   */
  readonly routeTable?: readonly RouteEntry[];
}

/** What a surface is built from: the core, the hub's settings (each surface reads its own) and a logger. */
export interface SurfaceDeps {
  core: Core;
  config: Readonly<HubConfig>;
  logger: Logger;
  /** The agents' gRPC port as bound (CORRAL_GRPC_PORT may be 0); known once the hub listens. */
  agentPort?: () => number;
}

export type SurfaceFactory = (deps: SurfaceDeps) => Surface;

/** Spacing of onClusterChange calls. @default 50 ms */
export const CLUSTER_CHANGE_DEBOUNCE_MS = 50;
