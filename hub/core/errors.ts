/**
 * Typed domain errors. Each surface's error middleware maps them to its own status codes and bodies
 * by class, never by message text.
 */
export abstract class CorralError extends Error {
  abstract readonly kind:
    "invalid" | "unauthenticated" | "forbidden" | "not_found" | "conflict" | "unavailable";
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
