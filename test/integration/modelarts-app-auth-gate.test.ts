import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Core } from "../../hub/core";
import type { App, AppApi } from "../../hub/core/apps";
import type { User } from "../../hub/core/model";
import { appCallGate } from "../../hub/api/modelarts/app-auth-gate";
import type { AppCallGate, InferenceCall } from "../../hub/api/modelarts/inference-contract";
import { FixedServices } from "../helpers/app-auth-surface";
import { signRequest } from "../helpers/sdk-signer";
import { startTestHub, type TestHub } from "../helpers/test-hub";

const SERVICE_ID = "f2682a3e-54e3-4e0b-9f7a-3c6c1d0f4f42";
const ACCESS = `/v1/infers/${SERVICE_ID}`;

/** An inference call as the gateway hands it over: lower-case header names. */
const call = (
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): InferenceCall => ({
  method,
  url,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  ...(body === undefined ? {} : { body: Buffer.from(body, "utf8") }),
});

/** A call signed by our own SDK signer (test/helpers/sdk-signer.ts) with an AppKey/AppSecret. */
function signed(
  method: string,
  url: string,
  body: string,
  key: { ak: string; sk: string },
  at?: Date,
): InferenceCall {
  const headers = signRequest({
    method,
    url: `http://127.0.0.1:8080${url}`,
    headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) },
    body,
    ...key,
    ...(at ? { at } : {}),
  });
  return call(method, url, headers, body);
}

/**
 * The app call gate (inference-contract.ts) over the real core and store: an authorized app
 * passes with an app code, the apikey header or an AppKey/AppSecret signature; a wrong or reset
 * code, a reset secret, an expired or replayed signature, an app not authorized and a call no
 * API covers are refused with APIG's codes.
 */
describe("integration: ModelArts app call gate", function () {
  this.timeout(30_000);
  const services = new FixedServices();
  let hub: TestHub;
  let core: Core;
  let gate: AppCallGate;
  let alice: User;
  let app: App;
  let outsider: App;
  let api: AppApi;
  let code = "";

  const keyOf = (a: App) => ({ ak: a.appKey, sk: core.apps.secretOf(a) });
  const service = () => services.find(SERVICE_ID) as NonNullable<ReturnType<FixedServices["find"]>>;
  const verdict = (c: InferenceCall) => gate.check(service(), c);

  before(async () => {
    hub = await startTestHub();
    core = hub.hub.core;
    const made = await hub.api("POST", "/api/corral/v1/users", {
      username: "alice",
      password: "alice-pass-1",
    });
    assert.equal(made.status, 201, made.text);
    alice = core.users.get("alice");
    services.add({ id: SERVICE_ID, name: "svc", ownerId: alice.id, workspaceId: "0", accessPath: ACCESS });
    gate = appCallGate(core, services);
    app = core.apps.create(alice, "app_caller");
    outsider = core.apps.create(alice, "app_outsider");
    code = core.apps.addCode(app);
    core.apps.addCode(outsider);
    api = core.apps.registerApi({
      serviceId: SERVICE_ID,
      serviceName: "svc",
      name: "infer_api",
      remark: "",
      path: ACCESS,
      method: "ANY",
      supportAppCode: true,
    });
    const [granted] = core.apps.authorize(api, alice.id, [app.id]);
    assert.equal(granted?.reason, undefined);
  });
  after(async () => hub.close());

  it("claims only calls that carry an app credential", () => {
    assert.equal(gate.claims(call("GET", ACCESS, {})), false);
    assert.equal(gate.claims(call("GET", ACCESS, { "X-Auth-Token": "tok" })), false);
    const { key, secret } = core.accessKeys.create(alice);
    const iamSigned = signed("GET", ACCESS, "", { ak: key.id, sk: secret });
    assert.equal(gate.claims(iamSigned), false, "an IAM access key's signature is the token path's");
    assert.equal(verdict(iamSigned).kind, "none");
    assert.equal(gate.claims(call("GET", ACCESS, { "X-Apig-AppCode": "x" })), true);
    assert.equal(gate.claims(call("GET", ACCESS, { apikey: app.appKey })), true);
    assert.equal(gate.claims(call("GET", ACCESS, { apikey: "the-model-server's-own" })), false);
    assert.equal(gate.claims(signed("GET", ACCESS, "", keyOf(app))), true);
  });

  it("allows an authorized app with its app code, under any path of the API", () => {
    assert.deepEqual(verdict(call("POST", `${ACCESS}/predict?x=1`, { "X-Apig-AppCode": code }, "{}")), {
      kind: "allowed",
      appId: app.id,
    });
    assert.deepEqual(verdict(call("GET", ACCESS, { apikey: app.appKey })), {
      kind: "allowed",
      appId: app.id,
    });
  });

  it("refuses a wrong code, an app not authorized, and a call no API covers", () => {
    const wrong = verdict(call("POST", ACCESS, { "X-Apig-AppCode": `${code}x` }));
    assert.deepEqual(
      wrong.kind === "refused" && [
        wrong.status,
        wrong.errorCode,
        /app not found with specified appCode/.test(wrong.errorMsg),
      ],
      [401, "APIG.0303", true],
    );
    const [outsiderCode] = core.apps.codesOf(outsider);
    const notAuthorized = verdict(call("POST", ACCESS, { "X-Apig-AppCode": outsiderCode ?? "" }));
    assert.deepEqual(notAuthorized.kind === "refused" && [notAuthorized.status, notAuthorized.errorCode], [
      403,
      "APIG.0304",
    ]);
    const elsewhere = verdict(call("POST", "/v1/infers/another-service", { "X-Apig-AppCode": code }));
    assert.deepEqual(elsewhere.kind === "refused" && [elsewhere.status, elsewhere.errorCode], [
      404,
      "APIG.0101",
    ]);
  });

  it("allows an AppKey/AppSecret signature, and refuses it once tampered, expired or replayed", () => {
    const body = JSON.stringify({ images: "aGVsbG8=" });
    assert.deepEqual(verdict(signed("POST", `${ACCESS}/predict`, body, keyOf(app))), {
      kind: "allowed",
      appId: app.id,
    });
    assert.deepEqual(verdict(signed("GET", `${ACCESS}?q=a b`, "", keyOf(app))), {
      kind: "allowed",
      appId: app.id,
    });

    const tampered = signed("POST", `${ACCESS}/predict`, body, keyOf(app));
    const changed = verdict({ ...tampered, body: Buffer.from(body.replace("aGVs", "eHh4")) });
    assert.deepEqual(changed.kind === "refused" && [changed.status, changed.errorMsg], [
      401,
      "Incorrect app authentication information: verify signature fail",
    ]);

    const old = verdict(
      signed("POST", `${ACCESS}/predict`, body, keyOf(app), new Date(core.clock.now() - 20 * 60_000)),
    );
    assert.equal(old.kind === "refused" && old.errorCode, "APIG.0303");
    assert.match(old.kind === "refused" ? old.errorMsg : "", /signature expired/);

    const once = signed("POST", `${ACCESS}/predict`, JSON.stringify({ n: 1 }), keyOf(app));
    assert.equal(verdict(once).kind, "allowed");
    const replay = verdict(once);
    assert.equal(replay.kind === "refused" && replay.status, 401);
    assert.match(replay.kind === "refused" ? replay.errorMsg : "", /replay/);
  });

  it("checks a streamed body's signature against the X-Sdk-Content-Sha256 it was signed with", () => {
    // The gateway streams large bodies: the signature then covers the declared hash, not the bytes.
    const declared = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const headers = signRequest({
      method: "POST",
      url: `http://127.0.0.1:8080${ACCESS}/upload`,
      headers: { "Content-Type": "application/octet-stream" },
      body: "",
      ...keyOf(app),
    });
    // Content-Length is not signed here, as the SDK leaves it out; no body is kept.
    const streamed = call("POST", `${ACCESS}/upload`, { ...headers, "Content-Length": "1048576" });
    const unhashed = verdict(streamed);
    assert.match(unhashed.kind === "refused" ? unhashed.errorMsg : "", /x-sdk-content-sha256/);
    const withHash = { ...streamed, headers: { ...streamed.headers, "x-sdk-content-sha256": declared } };
    assert.equal(verdict(withHash).kind, "allowed");
    const otherHash = {
      ...streamed,
      headers: { ...streamed.headers, "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" },
    };
    assert.equal(verdict(otherHash).kind, "refused", "the declared hash is what was signed");
  });

  it("refuses a reset app code and a signature with a reset AppSecret; the new ones pass", () => {
    const before = signed("POST", ACCESS, "{}", keyOf(app));
    const fresh = core.apps.resetCode(app, code);
    const stale = verdict(call("POST", ACCESS, { "X-Apig-AppCode": code }));
    assert.equal(stale.kind === "refused" && stale.errorCode, "APIG.0303");
    assert.equal(verdict(call("POST", ACCESS, { "X-Apig-AppCode": fresh })).kind, "allowed");
    code = fresh;

    app = core.apps.resetSecret(app);
    const oldSecret = verdict(before);
    assert.deepEqual(oldSecret.kind === "refused" && [oldSecret.status, oldSecret.errorCode], [
      401,
      "APIG.0303",
    ]);
    assert.equal(verdict(signed("POST", ACCESS, "{}", keyOf(app))).kind, "allowed");
  });

  it("accepts only signatures on an API without app code support, and stops an unbound app", () => {
    const signOnly = core.apps.registerApi({
      serviceId: SERVICE_ID,
      serviceName: "svc",
      name: "infer_sign_only",
      remark: "",
      path: `${ACCESS}/secure`,
      method: "POST",
      supportAppCode: false,
    });
    core.apps.authorize(signOnly, alice.id, [outsider.id]);
    const [outsiderCode] = core.apps.codesOf(outsider);
    const byCode = verdict(call("POST", `${ACCESS}/secure`, { "X-Apig-AppCode": outsiderCode ?? "" }));
    assert.deepEqual(byCode.kind === "refused" && [byCode.status, byCode.errorCode], [401, "APIG.0303"]);
    assert.equal(verdict(signed("POST", `${ACCESS}/secure`, "{}", keyOf(outsider))).kind, "allowed");
    const wrongMethod = verdict(signed("PUT", `${ACCESS}/secure`, "{}", keyOf(outsider)));
    assert.equal(wrongMethod.kind === "refused" && wrongMethod.errorCode, "APIG.0304");

    core.apps.unauthorize(api, [app.id]);
    const unbound = verdict(call("POST", ACCESS, { "X-Apig-AppCode": code }));
    assert.deepEqual(unbound.kind === "refused" && [unbound.status, unbound.errorCode], [403, "APIG.0304"]);
  });

  it("refuses an app whose creator is disabled, and a service the directory no longer knows", () => {
    core.apps.authorize(api, alice.id, [app.id]);
    assert.equal(verdict(call("POST", ACCESS, { "X-Apig-AppCode": code })).kind, "allowed");
    core.users.setStatus(alice, "disabled");
    const disabled = verdict(call("POST", ACCESS, { "X-Apig-AppCode": code }));
    assert.equal(disabled.kind === "refused" && disabled.status, 401);
    core.users.setStatus(core.users.get("alice"), "active");
    const ref = service();
    services.records.delete(SERVICE_ID);
    try {
      const gone = gate.check(ref, call("POST", ACCESS, { "X-Apig-AppCode": code }));
      assert.equal(gone.kind === "refused" && gone.errorCode, "APIG.0101");
    } finally {
      services.add(ref);
    }
  });
  it("forgets a deleted service's APIs and their authorizations (core.apps.forgetService)", () => {
    assert.equal(verdict(call("POST", ACCESS, { "X-Apig-AppCode": code })).kind, "allowed");
    core.apps.forgetService(SERVICE_ID);
    assert.deepEqual(core.apps.apisOfService(SERVICE_ID), []);
    assert.equal(core.apps.boundCount(app), 0, "the app can be deleted again");
    const gone = verdict(call("POST", ACCESS, { "X-Apig-AppCode": code }));
    assert.equal(gone.kind === "refused" && gone.errorCode, "APIG.0101");
  });
  it("judges real HTTP requests as Node hands them over (headers, raw url, buffered body)", async () => {
    core.apps.authorize(
      core.apps.registerApi({
        serviceId: SERVICE_ID,
        serviceName: "svc",
        name: "infer_again",
        remark: "",
        path: ACCESS,
        method: "ANY",
        supportAppCode: true,
      }),
      alice.id,
      [app.id],
    );
    // A stand-in for the inference gateway: what it would hand the gate, answered as JSON.
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const c: InferenceCall = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ claims: gate.claims(c), verdict: gate.check(service(), c) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const body = JSON.stringify({ images: "aGVsbG8=", note: "ünïcode" });
      const url = `${base}${ACCESS}/predictions/poetry?top_k=3&q=a%20b`;
      const headers = signRequest({
        method: "POST",
        url,
        headers: { "Content-Type": "application/json" },
        body,
        ...keyOf(app),
      });
      delete headers.Host; // fetch sends the signed host:port itself
      const res = await fetch(url, { method: "POST", headers, body });
      assert.deepEqual(await res.json(), { claims: true, verdict: { kind: "allowed", appId: app.id } });
      const byCode = await fetch(`${base}${ACCESS}`, { headers: { "X-Apig-AppCode": code } });
      assert.deepEqual(await byCode.json(), { claims: true, verdict: { kind: "allowed", appId: app.id } });
      const none = await fetch(`${base}${ACCESS}`);
      assert.deepEqual(await none.json(), { claims: false, verdict: { kind: "none" } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
