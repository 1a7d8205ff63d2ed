/**
 * App authentication (APIG apps, ModelArts "APP认证"): an app is a credential its owner hands to
 * callers of their real-time services. It signs with AppKey/AppSecret (the AK/SK algorithm) or
 * sends one of its app codes; it reaches only the registered APIs it is authorized to.
 */
export interface App {
  /** 32 hex digits. */
  id: string;
  /** Core user id of the app's creator: only they (and admins) manage it. */
  ownerId: string;
  /** Unique per owner. */
  name: string;
  remark: string;
  /** The AppKey: 32 hex digits, not secret (it names the app in a signature). */
  appKey: string;
  /** AES-256-GCM ciphertext of the AppSecret (SecretBox). */
  secretSealed: string;
  createdAt: number;
  updatedAt: number;
}

/** One app code of an app (X-Apig-AppCode): sealed to be shown again, hashed to be looked up. */
export interface AppCode {
  id: string;
  appId: string;
  /** sha256 hex of the code: the lookup key of a call's X-Apig-AppCode. */
  codeHash: string;
  codeSealed: string;
  createdAt: number;
}

/** An API registered for a real-time service: the calls under `path` that apps may be given. */
export interface AppApi {
  /** 32 hex digits. */
  id: string;
  /** The ModelArts service id the API belongs to (the services side owns the service itself). */
  serviceId: string;
  /** The service's name when the API was registered (shown as service_name). */
  serviceName: string;
  name: string;
  remark: string;
  /** Gateway path every call the API covers starts with (`/v1/infers/{service_id}`). */
  path: string;
  /** HTTP method the API covers; "ANY" (ModelArts registers ANY) covers them all. */
  method: string;
  /** Only APP-authenticated APIs are registered (IAM is every service's own default). */
  authType: "APP";
  /** Whether X-Apig-AppCode (and the apikey header) is accepted, not only a signature. */
  supportAppCode: boolean;
  createdAt: number;
}

/** An authorization: app `appId` may call API `apiId`. */
export interface AppGrant {
  id: string;
  apiId: string;
  appId: string;
  createdAt: number;
}
