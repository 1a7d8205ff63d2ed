/**
 * The seam between ModelArts real-time services (services + the inference gateway that serves
 * `access_address`) and app authentication (APIG apps, app codes, registered APIs). Each side is
 * built on its own; index.ts wires one to the other.
 */

/** A real-time service as app authentication needs to see it. */
export interface InferenceServiceRef {
  /** ModelArts `service_id`. */
  id: string;
  name: string;
  /** Core user id of the service's owner. */
  ownerId: string;
  /** ModelArts workspace id ("0" = default). */
  workspaceId: string;
  /** The gateway path every call to the service starts with, e.g. `/v1/infers/{service_id}`. */
  accessPath: string;
}

/** Looks real-time services up by id (implemented by the services side). */
export interface ServiceDirectory {
  find(serviceId: string): InferenceServiceRef | undefined;
}

/** One inference call as the gateway received it. */
export interface InferenceCall {
  method: string;
  /** Path and query as received (`/v1/infers/{id}/predict?x=1`). */
  url: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body when the gateway buffered it for a signature check; undefined when streamed. */
  body?: Buffer;
}

export type AppCallVerdict =
  /** The call carries no app credential (no X-Apig-AppCode, no app signature): not ours to judge. */
  | { kind: "none" }
  | { kind: "allowed"; appId: string }
  | { kind: "refused"; status: number; errorCode: string; errorMsg: string };

/** Judges app credentials on an inference call (implemented by the app-auth side). */
export interface AppCallGate {
  /** True when the call's headers carry an app credential the gate must judge. */
  claims(call: InferenceCall): boolean;
  check(service: InferenceServiceRef, call: InferenceCall): AppCallVerdict;
}
