import type { UserStatus } from "./model";

/**
 * Typed domain errors. Each surface's error middleware maps them to its own status codes and bodies
 * by class, never by message text.
 */
export abstract class CorralError extends Error {
  abstract readonly kind:
    "invalid" | "unauthenticated" | "forbidden" | "not_found" | "conflict" | "unavailable" | "rate_limited";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends CorralError {
  readonly kind = "invalid";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class UnauthenticatedError extends CorralError {
  readonly kind = "unauthenticated";
}

export class ForbiddenError extends CorralError {
  readonly kind = "forbidden";
}

/**
 * The credentials (or token) are valid but the user is not active: pending review, rejected or
 * disabled. A forbidden kind, so each surface answers it as its own 403.
 */
export class UserNotActiveError extends ForbiddenError {
  constructor(readonly status: Exclude<UserStatus, "active">) {
    super(status === "pending" ? "user is waiting for approval" : "user is not allowed to log in");
  }
}

export class NotFoundError extends CorralError {
  readonly kind = "not_found";
  constructor(
    readonly resource: string,
    readonly key: string,
  ) {
    super(`${resource} ${JSON.stringify(key)} not found`);
  }
}

export class ConflictError extends CorralError {
  readonly kind = "conflict";
}

/**
 * Too many attempts too fast (login failures, submissions): the caller may retry after
 * `retryAfterSec` seconds; every surface answers 429 with a `Retry-After` header.
 */
export class RateLimitedError extends CorralError {
  readonly kind = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

/**
 * The image registry (CORRAL_REGISTRY_URL) was unreachable or refused a request: its failure, not
 * the caller's. `status` is the registry's HTTP status, null when it gave no answer.
 */
export class RegistryUnavailableError extends CorralError {
  readonly kind = "unavailable";
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An agent could not be reached or did not answer in time. */
export class AgentUnavailableError extends CorralError {
  readonly kind = "unavailable";
}

/**
 * Deserved quota may not be lowered below what the unit's non-preemptible work holds now in that
 * node pool (it could not be preempted to give the quota back). Amounts in the resource's unit.
 */
export class QuotaBelowUseError extends CorralError {
  readonly kind = "invalid";
  constructor(
    readonly unitId: string,
    readonly unitName: string,
    readonly nodePoolId: string,
    readonly nodePoolName: string,
    readonly resource: "gpu" | "cpuMilli" | "memoryMiB",
    /** The deserved amount asked for. */
    readonly deserved: number,
    /** What non-preemptible work holds now. */
    readonly used: number,
  ) {
    super(
      `deserved ${resource} of ${unitName} in node pool ${nodePoolName} cannot go below the ${used} its non-preemptible work uses`,
    );
  }
}
