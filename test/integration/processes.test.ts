/**
 * The built corral-hub and corral-agent processes at start: bad configuration stops them with a
 * message naming the setting (exit 2); the first start prints a generated admin password once.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BuiltProcess, startBuiltHub } from "../helpers/processes";
import { request } from "../helpers/http";

describe("integration: built processes start-up", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-proc-"));

  const refuses = async (
    bin: "corral-hub" | "corral-agent",
    env: Record<string, string>,
    variable: string,
  ) => {
    const p = BuiltProcess.start(bin, [], env);
    assert.equal(await p.waitForExit(), 2, p.output);
    assert.match(p.output, new RegExp(variable));
  };

  it("refuses bad hub settings, naming them", async () => {
    await refuses("corral-hub", { CORRAL_HTTP_PORT: "http" }, "CORRAL_HTTP_PORT");
    await refuses("corral-hub", { CORRAL_GRPC_PORT: "70000" }, "CORRAL_GRPC_PORT");
    await refuses("corral-hub", { CORRAL_HEARTBEAT_INTERVAL_MS: "-5" }, "CORRAL_HEARTBEAT_INTERVAL_MS");
    await refuses("corral-hub", { CORRAL_ADMIN_PASSWORD: "short" }, "CORRAL_ADMIN_PASSWORD");
  });

  it("refuses bad agent settings, naming them", async () => {
    await refuses("corral-agent", {}, "CORRAL_HUB");
    await refuses("corral-agent", { CORRAL_HUB: "127.0.0.1:1", CORRAL_RUNTIME: "podman" }, "CORRAL_RUNTIME");
    await refuses(
      "corral-agent",
      { CORRAL_HUB: "127.0.0.1:1", CORRAL_LOG_LEVEL: "loud" },
      "CORRAL_LOG_LEVEL",
    );
    await refuses(
      "corral-agent",
      { CORRAL_HUB: "127.0.0.1:1", CORRAL_AGENT_DATA_DIR: path.join(dir, "empty-agent") },
      "CORRAL_JOIN_TOKEN",
    );
  });

  it("prints a generated admin password once, at the first start only, and it logs in", async () => {
    const first = await startBuiltHub(path.join(dir, "hub"));
    const password = /password: (\S+)/.exec(first.process.output)?.[1];
    assert.ok(password, first.process.output);
    const login = await request<{ token: string }>(`${first.httpUrl}/api/corral/v1/auth/login`, "POST", {
      username: "admin",
      password,
    });
    assert.equal(login.status, 200);
    assert.equal(await first.process.stop(), 0, "SIGTERM drains and exits 0");

    const second = await startBuiltHub(path.join(dir, "hub"));
    assert.doesNotMatch(second.process.output, /password:/);
    assert.ok(!second.process.output.includes(password), "the password never reaches the log");
    await second.process.stop();
  });
});
