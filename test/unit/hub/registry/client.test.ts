import assert from "node:assert/strict";
import { AgentUnavailableError, RegistryUnavailableError } from "../../../../hub/core/errors";
import { RegistryClient } from "../../../../hub/registry/client";
import { startHttpStub, type HttpStub, type StubAnswer, type StubRequest } from "../../../helpers/http-stub";

/** A RegistryUnavailableError (never an agent's error) with this registry status. */
const registryFailure =
  (status: number | null, message: RegExp) =>
  (err: unknown): boolean =>
    err instanceof RegistryUnavailableError &&
    !(err instanceof AgentUnavailableError) &&
    err.kind === "unavailable" &&
    err.status === status &&
    message.test(err.message);

describe("RegistryClient failures", () => {
  let stub: HttpStub;
  let answer: (req: StubRequest) => StubAnswer;

  beforeEach(async () => {
    answer = () => ({ status: 200, body: {} });
    stub = await startHttpStub((req) => answer(req));
  });
  afterEach(() => stub.close());

  it("an error status is a RegistryUnavailableError carrying the registry's status", async () => {
    answer = () => ({ status: 503 });
    await assert.rejects(new RegistryClient(stub.url).catalog(), registryFailure(503, /answered 503/));
    await assert.rejects(new RegistryClient(stub.url).digest("app", "1"), registryFailure(503, /app:1/));
  });

  it("a refused delete says deletion is disabled", async () => {
    // HEAD finds the digest, then the DELETE meets a registry without `delete: enabled`.
    answer = (req) =>
      req.method === "HEAD"
        ? { status: 200, headers: { "docker-content-digest": "sha256:abc" } }
        : { status: 405 };
    await assert.rejects(
      new RegistryClient(stub.url).deleteTag("app", "1"),
      registryFailure(405, /deletion disabled/),
    );
    assert.deepEqual(
      stub.seen.map((r) => `${r.method} ${r.url}`),
      ["HEAD /v2/app/manifests/1", "DELETE /v2/app/manifests/sha256:abc"],
    );
  });

  it("a registry that is not there is a RegistryUnavailableError with no status, naming its URL", async () => {
    await stub.close();
    const url = stub.url;
    await assert.rejects(new RegistryClient(url, 2_000).catalog(), (err: unknown) => {
      assert.ok(registryFailure(null, /unreachable/)(err), String(err));
      assert.ok((err as Error).message.includes(url));
      assert.ok((err as Error).cause !== undefined, "the fetch failure is kept as the cause");
      return true;
    });
  });

  it("a missing repository has no tags rather than failing", async () => {
    answer = () => ({ status: 404 });
    assert.deepEqual(await new RegistryClient(stub.url).tags("gone"), []);
  });
});
