import { ADMIN, type TestHub } from "./test-hub";
import { signRequest } from "./sdk-signer";

export interface MaResult<T> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/**
 * Calls a ModelArts route the way Huawei's SDK does: `Content-Type: application/json` on every
 * call (GET and DELETE too) and the IAM token in `X-Auth-Token`. `path` may use `{project_id}`.
 */
export async function maCall<T = Record<string, unknown>>(
  hub: TestHub,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = hub.adminToken,
  extraHeaders: Record<string, string> = {},
): Promise<MaResult<T>> {
  const url = `${hub.hub.httpUrl}${path.replace("{project_id}", projectIdOf(hub))}`;
  const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
  if (token) headers["x-auth-token"] = token;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (log files)
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/** The hub's IAM project id (the install id). */
export const projectIdOf = (hub: TestHub): string => hub.hub.core.installation.id;

/** An access key (AK/SK) of the hub's admin, made once per hub for signed calls. */
const adminKeys = new WeakMap<TestHub, { ak: string; sk: string }>();

/** Makes (once per hub) a permanent access key for the admin through the IAM API. */
export async function adminAccessKey(hub: TestHub): Promise<{ ak: string; sk: string }> {
  const known = adminKeys.get(hub);
  if (known) return known;
  const me = await maCall<{ token: { user: { id: string } } }>(
    hub,
    "POST",
    "/v3/auth/tokens",
    {
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: { name: ADMIN.username, password: ADMIN.password, domain: { name: ADMIN.username } },
          },
        },
      },
    },
    null,
  );
  const res = await maCall<{ credential: { access: string; secret: string } }>(
    hub,
    "POST",
    "/v3.0/OS-CREDENTIAL/credentials",
    { credential: { user_id: me.body.token.user.id, description: "tests" } },
  );
  if (res.status !== 201) throw new Error(`access key: ${res.status} ${res.text}`);
  const key = { ak: res.body.credential.access, sk: res.body.credential.secret };
  adminKeys.set(hub, key);
  return key;
}

/**
 * Calls a ModelArts route as the SDK does with AK/SK credentials: `Content-Type:
 * application/json`, `X-Project-Id`, and an `SDK-HMAC-SHA256` signature by our own signer
 * (test/helpers/sdk-signer.ts). `key` defaults to an access key of the admin.
 */
export async function maSigned<T = Record<string, unknown>>(
  hub: TestHub,
  method: string,
  path: string,
  body?: unknown,
  key?: { ak: string; sk: string },
  options: { at?: Date; extraHeaders?: Record<string, string> } = {},
): Promise<MaResult<T>> {
  const { ak, sk } = key ?? (await adminAccessKey(hub));
  const url = `${hub.hub.httpUrl}${path.replace("{project_id}", projectIdOf(hub))}`;
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest({
    method,
    url,
    headers: {
      "Content-Type": "application/json",
      "X-Project-Id": projectIdOf(hub),
      ...options.extraHeaders,
    },
    body: text,
    ak,
    sk,
    ...(options.at ? { at: options.at } : {}),
  });
  return send<T>(url, method, headers, text);
}

/** Sends prepared headers and body (for replaying a signed request in tests). */
export async function send<T>(
  url: string,
  method: string,
  headers: Record<string, string>,
  text: string,
): Promise<MaResult<T>> {
  const sent = { ...headers };
  // fetch sets Host itself from the URL (the same host:port that was signed).
  delete sent.Host;
  const res = await fetch(url, { method, headers: sent, body: text === "" ? undefined : text });
  const answer = await res.text();
  let parsed: unknown = answer;
  try {
    parsed = JSON.parse(answer);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text: answer };
}
