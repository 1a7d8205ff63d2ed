import crypto from "node:crypto";
import type { App, AppApi, AppCode, AppGrant } from "./apps-model";
import type { Clock } from "./clock";
import { ConflictError, NotFoundError, UnauthenticatedError, UserNotActiveError } from "./errors";
import type { User } from "./model";
import type { Store } from "./repositories";
import type { SecretBox } from "./secret-box";
import { sha256 } from "./secrets";

export type { App, AppApi, AppCode, AppGrant } from "./apps-model";

/** Apps a user may hold (ModelArts: "each user can create a maximum of five apps"). */
export const MAX_APPS_PER_USER = 5;

/** App codes one app may hold (a bound of ours: APIG caps codes per app too). */
export const MAX_CODES_PER_APP = 5;

/** A per-user or per-app limit reached: the surface answers its quota error. */
export class AppLimitError extends ConflictError {
  constructor(
    readonly what: "apps" | "app codes",
    readonly limit: number,
  ) {
    super(`at most ${limit} ${what} may exist: delete one first`);
  }
}

const hex = (bytes: number): string => crypto.randomBytes(bytes).toString("hex");

/** 64 characters starting with a letter (APIG's AppCode form: 64-180 characters, letter first). */
function newCode(): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const first = letters[(crypto.randomBytes(1)[0] as number) % letters.length] as string;
  return first + crypto.randomBytes(48).toString("base64url").slice(0, 63);
}

/** What an API is registered with (the service side tells which service and its path). */
export interface ApiRegistration {
  serviceId: string;
  serviceName: string;
  name: string;
  remark: string;
  path: string;
  method: string;
  supportAppCode: boolean;
}

/** The outcome of authorizing (or unauthorizing) one app on one API. */
export interface GrantResult {
  appId: string;
  /** The grant, when one was made or removed. */
  grant?: AppGrant;
  /** Why not, when it failed. */
  reason?: string;
}

/**
 * App authentication as a core fact (ModelArts "APP认证"): apps with AppKey/AppSecret, their app
 * codes, the APIs registered for real-time services and which apps may call which API. Secrets
 * and codes are sealed at rest; a code is found by its hash. Who may manage what is the caller's
 * check (core.authz); the rules that hold for everyone (limits, owners, bindings) are here.
 */
export class AppAuthService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Makes an app for `owner` with a fresh AppKey and AppSecret. */
  create(owner: User, name: string, remark = ""): App {
    const mine = this.list(owner.id);
    if (mine.length >= MAX_APPS_PER_USER) throw new AppLimitError("apps", MAX_APPS_PER_USER);
    if (mine.some((a) => a.name === name)) throw new ConflictError(`app ${name} already exists`);
    const now = this.clock.now();
    const app: App = {
      id: hex(16),
      ownerId: owner.id,
      name,
      remark,
      appKey: hex(16),
      secretSealed: this.box.seal(hex(16)),
      createdAt: now,
      updatedAt: now,
    };
    this.store.apps.insert(app);
    return app;
  }

  /** `ownerId`'s apps, oldest first. */
  list(ownerId: string): App[] {
    return this.store.apps.listByOwner(ownerId);
  }

  find(id: string): App | undefined {
    return this.store.apps.byId(id);
  }

  get(id: string): App {
    const app = this.find(id);
    if (!app) throw new NotFoundError("app", id);
    return app;
  }

  byName(ownerId: string, name: string): App | undefined {
    return this.list(ownerId).find((a) => a.name === name);
  }

  /** Deletes an app; refused while it is authorized to an API (unbind it first). */
  delete(app: App): void {
    const bound = this.store.appGrants.listByApp(app.id).length;
    if (bound > 0)
      throw new ConflictError(`app ${app.name} is bound to ${bound} API(s): cancel the authorization first`);
    this.store.apps.delete(app.id);
  }

  secretOf(app: App): string {
    return this.box.open(app.secretSealed);
  }

  /** A new AppSecret: signatures made with the old one stop verifying at once. */
  resetSecret(app: App): App {
    const next = { ...app, secretSealed: this.box.seal(hex(16)), updatedAt: this.clock.now() };
    this.store.apps.update(next);
    return next;
  }

  /** The app's codes in clear, oldest first. */
  codesOf(app: App): string[] {
    return this.store.appCodes.listByApp(app.id).map((c) => this.box.open(c.codeSealed));
  }

  addCode(app: App): string {
    if (this.store.appCodes.listByApp(app.id).length >= MAX_CODES_PER_APP)
      throw new AppLimitError("app codes", MAX_CODES_PER_APP);
    return this.insertCode(app);
  }

  /** Replaces `code` with a new one: the old code stops working at once. */
  resetCode(app: App, code: string): string {
    const old = this.codeOf(app, code);
    return this.store.transaction(() => {
      this.store.appCodes.delete(old.id);
      return this.insertCode(app);
    });
  }

  deleteCode(app: App, code: string): void {
    this.store.appCodes.delete(this.codeOf(app, code).id);
  }

  /** Number of APIs the app is authorized to. */
  boundCount(app: App): number {
    return this.store.appGrants.listByApp(app.id).length;
  }

  /** The APIs the app is authorized to, oldest grant first. */
  apisOf(app: App): AppApi[] {
    return this.store.appGrants
      .listByApp(app.id)
      .map((g) => this.store.appApis.byId(g.apiId))
      .filter((a): a is AppApi => a !== undefined);
  }

  /** Registers an API for a service; refused when the service has one for that path and method. */
  registerApi(reg: ApiRegistration): AppApi {
    if (this.apisOfService(reg.serviceId).some((a) => a.path === reg.path && a.method === reg.method))
      throw new ConflictError(`service ${reg.serviceId} already has an API for ${reg.method} ${reg.path}`);
    const api: AppApi = { id: hex(16), ...reg, authType: "APP", createdAt: this.clock.now() };
    this.store.appApis.insert(api);
    return api;
  }

  apisOfService(serviceId: string): AppApi[] {
    return this.store.appApis.listByService(serviceId);
  }

  findApi(id: string): AppApi | undefined {
    return this.store.appApis.byId(id);
  }

  /** Deletes an API and its authorizations. */
  deleteApi(api: AppApi): void {
    this.store.appApis.delete(api.id);
  }

  /** Deletes every API of a service (call when the service is deleted). */
  forgetService(serviceId: string): void {
    this.store.transaction(() => {
      for (const api of this.apisOfService(serviceId)) this.store.appApis.delete(api.id);
    });
  }

  grantsOf(api: AppApi): AppGrant[] {
    return this.store.appGrants.listByApi(api.id);
  }

  /**
   * Authorizes `appIds` on `api` for the service owned by `serviceOwnerId`. Per app: an unknown
   * app, or one whose creator is not the service's owner (ModelArts's rule), fails with a
   * reason; an app already authorized keeps its grant.
   */
  authorize(api: AppApi, serviceOwnerId: string, appIds: readonly string[]): GrantResult[] {
    return this.store.transaction(() =>
      appIds.map((appId): GrantResult => {
        const app = this.find(appId);
        if (!app) return { appId, reason: `app ${appId} not found` };
        if (app.ownerId !== serviceOwnerId)
          return { appId, reason: "the app's creator is not the creator of the API's service" };
        const had = this.grantsOf(api).find((g) => g.appId === appId);
        if (had) return { appId, grant: had };
        const grant: AppGrant = { id: hex(16), apiId: api.id, appId, createdAt: this.clock.now() };
        this.store.appGrants.insert(grant);
        return { appId, grant };
      }),
    );
  }

  /** Removes the authorization of `appIds` on `api`; an app not authorized fails with a reason. */
  unauthorize(api: AppApi, appIds: readonly string[]): GrantResult[] {
    return this.store.transaction(() =>
      appIds.map((appId): GrantResult => {
        const grant = this.grantsOf(api).find((g) => g.appId === appId);
        if (!grant) return { appId, reason: `app ${appId} is not authorized to this API` };
        this.store.appGrants.delete(grant.id);
        return { appId, grant };
      }),
    );
  }

  /** Makes exactly `appIds` authorized on `api`: others lose the authorization. */
  replaceAuthorization(api: AppApi, serviceOwnerId: string, appIds: readonly string[]): GrantResult[] {
    return this.store.transaction(() => {
      const keep = new Set(appIds);
      for (const g of this.grantsOf(api)) if (!keep.has(g.appId)) this.store.appGrants.delete(g.id);
      return this.authorize(api, serviceOwnerId, appIds);
    });
  }

  /**
   * The app an AppKey or app code names, for a call to be judged: refuses (UnauthenticatedError)
   * one nobody holds, and an app whose creator is not active (UserNotActiveError).
   */
  callerApp(by: { appKey: string } | { code: string }): App {
    const app =
      "appKey" in by
        ? this.store.apps.byKey(by.appKey)
        : (() => {
            const code = this.store.appCodes.byHash(sha256(by.code));
            return code && this.find(code.appId);
          })();
    if (!app)
      throw new UnauthenticatedError(
        "appKey" in by ? "app not found with specified appKey" : "app not found with specified appCode",
      );
    const owner = this.store.users.byId(app.ownerId);
    if (!owner) throw new UnauthenticatedError("the app's creator no longer exists");
    if (owner.status !== "active") throw new UserNotActiveError(owner.status);
    return app;
  }

  /** Whether an app with this AppKey exists (the gateway claims such signatures). */
  hasAppKey(appKey: string): boolean {
    return this.store.apps.byKey(appKey) !== undefined;
  }

  private codeOf(app: App, code: string): AppCode {
    const found = this.store.appCodes.byHash(sha256(code));
    if (!found || found.appId !== app.id) throw new NotFoundError("app code", code);
    return found;
  }

  private insertCode(app: App): string {
    const code = newCode();
    this.store.appCodes.insert({
      id: hex(16),
      appId: app.id,
      codeHash: sha256(code),
      codeSealed: this.box.seal(code),
      createdAt: this.clock.now(),
    });
    return code;
  }
}
