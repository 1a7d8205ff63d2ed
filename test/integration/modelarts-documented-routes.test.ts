import assert from "node:assert/strict";
import { DOCUMENTED_ROUTES } from "../fixtures/modelarts-documented-routes";
import { maCall } from "../helpers/modelarts";
import { startTestHub, type TestHub } from "../helpers/test-hub";

/**
 * Nothing answers 404 "no such API" (APIG.0101) for a documented route: every route of the API
 * document's groups reaches its handler, which answers for real, with a documented error, or
 * with ModelArts's not-supported error. Path parameters are names nothing has, so no call finds
 * an object to change; bodies are empty objects, so writes are refused by validation.
 */
describe("integration: every documented ModelArts route is served", function () {
  this.timeout(120_000);
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => hub.close());

  it(`answers each of the ${DOCUMENTED_ROUTES.length} routes with something else than APIG.0101 and no 5xx`, async () => {
    const unserved: string[] = [];
    for (const [method, path, op] of DOCUMENTED_ROUTES) {
      const concrete = path.replace(/\{(\w+)\}/g, (whole, name: string) =>
        name === "project_id" ? whole : `probe-${name}`,
      );
      const res = await maCall<{ error_code?: string }>(
        hub,
        method,
        concrete,
        method === "GET" ? undefined : {},
      );
      const code = typeof res.body === "object" && res.body ? res.body.error_code : undefined;
      if (code === "APIG.0101" || res.status >= 500) {
        unserved.push(`${method} ${path} (${op || "docs"}): ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(unserved, []);
  });
});
