/**
 * The OpenPAI JS SDK's own API suite (@microsoft/openpai-js-sdk 0.1.5,
 * lib/tests/api_tests/v2/api.v2.spec.js, cases generated from the package's swagger.yaml) run with
 * mocha in a child process (test/helpers/openpai-sdk-suite.ts) against a hub with two FakeRuntime
 * agents, one with GPUs for the suite's GPU job. Every case must pass.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunningAgent } from "../../agent/agent";
import { fakeGpus, fakeHardware } from "../helpers/fake-hardware";
import { repoRoot } from "../helpers/fixtures";
import type { SuiteReport } from "../helpers/openpai-sdk-suite";
import { ADMIN, startTestAgent, startTestHub, type TestHub } from "../helpers/test-hub";
import { waitFor } from "../helpers/wait";

/** The suite's case count on a password-login hub (its two OIDC cases return at once and count as passed). */
const SUITE_CASES = 72;

/** The suite's report and its stdout (the suite prints ajv's errors there when a response is invalid). */
function runSuite(env: Record<string, string>): Promise<SuiteReport & { stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-pai-suite-"));
  const report = path.join(dir, "report.json");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(__dirname, "..", "helpers", "openpai-sdk-suite.js")],
      { env: { ...process.env, ...env, PAI_SUITE_REPORT: report }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null && !fs.existsSync(report)) return reject(new Error(`suite did not run: ${stderr}`));
        resolve({ ...(JSON.parse(fs.readFileSync(report, "utf8")) as SuiteReport), stdout });
      },
    );
  });
}

describe("integration: the OpenPAI SDK's own API suite against the hub", function () {
  this.timeout(180_000);
  let hub: TestHub;
  const agents: RunningAgent[] = [];

  before(async () => {
    hub = await startTestHub();
    agents.push(
      startTestAgent(hub, {
        name: "suite-gpu",
        hardware: fakeHardware({ hostname: "suite-gpu", gpus: fakeGpus(2) }),
      }),
      startTestAgent(hub, { name: "suite-cpu" }),
    );
    await waitFor(
      () => hub.hub.core.nodes.list().filter((n) => n.status === "ready").length === 2,
      "2 nodes ready",
    );
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await hub.close();
  });

  it("passes every case of api.v2.spec.js", async () => {
    const report = await runSuite({
      PAI_SUITE_URL: hub.hub.httpUrl,
      PAI_SUITE_USER: ADMIN.username,
      PAI_SUITE_PASSWORD: ADMIN.password,
      PAI_SUITE_TOKEN: hub.adminToken,
      PAI_SUITE_PROTOCOL_SCHEMA: path.join(
        repoRoot(),
        "test",
        "fixtures",
        "openpai-protocol",
        "schema-v2.yaml",
      ),
    });
    const failures = report.failed.map((f) => `${f.title}\n${f.error}`).join("\n\n");
    assert.equal(
      report.failed.length,
      0,
      `${report.failed.length} of the suite's cases failed:\n${failures}\n\nsuite output:\n${report.stdout}`,
    );
    assert.equal(report.passed.length, SUITE_CASES);
  });
});
