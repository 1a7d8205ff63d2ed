import type { Core } from "../../core";
import type { App, AppApi } from "../../core/apps";
import { UnauthenticatedError, UserNotActiveError } from "../../core/errors";
import { digestsEqual } from "../../core/secrets";
import { SIGNATURE_SKEW_MS } from "./auth";
import type {
  AppCallGate,
  AppCallVerdict,
  InferenceCall,
  InferenceServiceRef,
  ServiceDirectory,
} from "./inference-contract";
import { ReplayGuard } from "./replay-guard";
import {
  CONTENT_HASH_HEADER,
  DATE_HEADER,
  parseAuthorization,
  parseSdkDate,
  queryPairs,
  signature,
  type SignatureHeader,
} from "./signature";

/** The simple app authentication header (ModelArts "AppCode认证"). */
export const APP_CODE_HEADER = "x-apig-appcode";
/** AppKey simple authentication: the AppKey itself in an `apikey` header (ModelArts's docs). */
export const APIKEY_HEADER = "apikey";

/** APIG's codes for an app call it refuses (APIG's API error table). */
export const APP_CALL_ERRORS = {
  /** Unknown code or key, a signature that does not verify, is expired or replayed: 401. */
  credential: "APIG.0303",
  /** The app is not authorized to an API covering the call: 403. */
  notAuthorized: "APIG.0304",
  /** No API registered for the call: 404. */
  noApi: "APIG.0101",
} as const;

/** Methods whose repeat is not a replay (the AK/SK rule of auth.ts: reads are repeatable). */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

const headerOf = (call: InferenceCall, name: string): string => {
  const v = call.headers[name];
  return (Array.isArray(v) ? v.join(", ") : (v ?? "")).trim();
};

const refuse = (status: number, errorCode: string, why: string): AppCallVerdict => ({
  kind: "refused",
  status,
  errorCode,
  errorMsg: why,
});

const badCredential = (why: string): AppCallVerdict =>
  refuse(401, APP_CALL_ERRORS.credential, `Incorrect app authentication information: ${why}`);

/** Whether `api` covers a call to `path` with `method` (its path, or any path below it). */
export function covers(api: AppApi, method: string, path: string): boolean {
  const base = api.path.replace(/\/+$/, "");
  const under = path === base || path.startsWith(`${base}/`);
  return under && (api.method === "ANY" || api.method === method.toUpperCase());
}

/** A credential that failed before authorization is looked at. */
class CredentialRefused extends Error {}

/**
 * The app side of the inference gateway (inference-contract.ts): a call that carries
 * `X-Apig-AppCode`, or an `apikey` header or an `SDK-HMAC-SHA256` signature naming an AppKey,
 * is judged here. A signature is checked as AK/SK ones are (signature.ts, the same
 * 15-minute skew and no repeat of a state-changing call); the app must then be authorized to
 * an APP-authenticated API of the service that covers the call's method and path, and app codes
 * (and apikey) only pass where the API supports app codes.
 */
export class AppAuthGate implements AppCallGate {
  private readonly replays = new ReplayGuard();

  constructor(
    private readonly core: Core,
    private readonly directory: ServiceDirectory,
  ) {}

  claims(call: InferenceCall): boolean {
    if (headerOf(call, APP_CODE_HEADER)) return true;
    // `apikey` and an SDK signature are claimed only when they name an app: a service's own
    // apikey header, or an IAM access key's signature, stay the token path's.
    const apikey = headerOf(call, APIKEY_HEADER);
    if (apikey && this.core.apps.hasAppKey(apikey)) return true;
    const auth = parseAuthorization(headerOf(call, "authorization"));
    return auth !== null && this.core.apps.hasAppKey(auth.access);
  }

  check(service: InferenceServiceRef, call: InferenceCall): AppCallVerdict {
    let app: App;
    let simple: boolean;
    try {
      const code = headerOf(call, APP_CODE_HEADER);
      const auth = parseAuthorization(headerOf(call, "authorization"));
      const apikey = headerOf(call, APIKEY_HEADER);
      if (code) {
        app = this.caller({ code });
        simple = true;
      } else if (auth && this.core.apps.hasAppKey(auth.access)) {
        app = this.signer(call, auth);
        simple = false;
      } else if (apikey) {
        app = this.caller({ appKey: apikey });
        simple = true;
      } else return { kind: "none" };
    } catch (err) {
      if (err instanceof CredentialRefused) return badCredential(err.message);
      throw err;
    }
    const current = this.directory.find(service.id);
    const path = call.url.split("?")[0] ?? "";
    const apis = current
      ? this.core.apps.apisOfService(current.id).filter((a) => covers(a, call.method, path))
      : [];
    if (apis.length === 0)
      return refuse(
        404,
        APP_CALL_ERRORS.noApi,
        "The API does not exist or has not been published in the environment.",
      );
    const granted = apis.filter((a) => this.core.apps.grantsOf(a).some((g) => g.appId === app.id));
    if (granted.length === 0)
      return refuse(
        403,
        APP_CALL_ERRORS.notAuthorized,
        `The app ${app.name} is not authorized to access the API`,
      );
    if (simple && !granted.some((a) => a.supportAppCode))
      return badCredential("the API does not accept app code (simple) authentication: sign the request");
    return { kind: "allowed", appId: app.id };
  }

  private caller(by: { appKey: string } | { code: string }): App {
    try {
      return this.core.apps.callerApp(by);
    } catch (err) {
      if (err instanceof UnauthenticatedError || err instanceof UserNotActiveError)
        throw new CredentialRefused(err.message);
      throw err;
    }
  }

  /** The app that signed `call`, once its signature verifies; CredentialRefused otherwise. */
  private signer(call: InferenceCall, auth: SignatureHeader): App {
    const dateText = headerOf(call, DATE_HEADER);
    const signedAt = parseSdkDate(dateText);
    if (signedAt === null) throw new CredentialRefused("X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ");
    if (!auth.signedHeaders.includes(DATE_HEADER) || !auth.signedHeaders.includes("host"))
      throw new CredentialRefused("SignedHeaders must include host and x-sdk-date");
    const now = this.core.clock.now();
    if (Math.abs(now - signedAt) > SIGNATURE_SKEW_MS)
      throw new CredentialRefused(`signature expired, signature time:${dateText}`);
    const app = this.caller({ appKey: auth.access });
    const headers: Record<string, string> = {};
    for (const h of auth.signedHeaders) headers[h] = headerOf(call, h);
    const contentHash = headerOf(call, CONTENT_HASH_HEADER);
    if (contentHash) headers[CONTENT_HASH_HEADER] = contentHash;
    const [path = "", rawQuery = ""] = splitUrl(call.url);
    const streamed = call.body === undefined && hasBody(call);
    if (streamed && !contentHash)
      throw new CredentialRefused(
        `the body was not kept to check the signature: sign it with ${CONTENT_HASH_HEADER}`,
      );
    const expected = signature(
      {
        method: call.method,
        path,
        query: queryPairs(rawQuery),
        headers,
        signedHeaders: auth.signedHeaders,
        body: call.body ?? Buffer.alloc(0),
        ...(streamed ? { bodyHash: contentHash } : {}),
      },
      dateText,
      this.core.apps.secretOf(app),
    );
    if (!digestsEqual(expected, auth.signature)) throw new CredentialRefused("verify signature fail");
    if (
      !READS.has(call.method.toUpperCase()) &&
      !this.replays.accept(auth.signature, signedAt + SIGNATURE_SKEW_MS, now)
    )
      throw new CredentialRefused("this signed request was already received (replay)");
    return app;
  }
}

const splitUrl = (url: string): [string, string] => {
  const q = url.indexOf("?");
  return q < 0 ? [url, ""] : [url.slice(0, q), url.slice(q + 1)];
};

/** Whether the call says it has a body (a length above 0 or a chunked transfer). */
const hasBody = (call: InferenceCall): boolean => {
  const length = headerOf(call, "content-length");
  return (length !== "" && length !== "0") || headerOf(call, "transfer-encoding") !== "";
};

/** The gate the inference gateway asks about app credentials (wired in index.ts). */
export const appCallGate = (core: Core, directory: ServiceDirectory): AppCallGate =>
  new AppAuthGate(core, directory);
