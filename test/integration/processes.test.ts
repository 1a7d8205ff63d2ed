/**
 * The built corral-hub and corral-agent processes at start: bad configuration stops them with a
 * message naming the setting (exit 2); the first start prints a generated admin password once.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BuiltProcess, freePort } from "../helpers/processes";
import { request } from "../helpers/http";

describe("integration: built processes start-up", function () {
  this.timeout(60_000);
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
      { CORRAL_HUB: "127.0.0.1:1", CORRAL_AGENT_DATA_DIR: path.join(dir, "empty-agent") },
      "CORRAL_JOIN_TOKEN",
    );
  });

  it("prints a generated admin password once, at the first start only, and it logs in", async () => {
    const env = async () => ({
      CORRAL_DATA_DIR: path.join(dir, "hub"),
      CORRAL_HTTP_HOST: "127.0.0.1",
      CORRAL_HTTP_PORT: String(await freePort()),
      CORRAL_GRPC_HOST: "127.0.0.1",
      CORRAL_GRPC_PORT: String(await freePort()),
    });
    const firstEnv = await env();
    const first = BuiltProcess.start("corral-hub", [], firstEnv);
    await first.waitForOutput(/hub started/, "first start");
    const password = /password: (\S+)/.exec(first.output)?.[1];
    assert.ok(password, first.output);
    const login = await request<{ token: string }>(
      `http://127.0.0.1:${firstEnv.CORRAL_HTTP_PORT}/api/corral/v1/auth/login`,
      "POST",
      { username: "admin", password },
    );
    assert.equal(login.status, 200);
    assert.equal(await first.stop(), 0, "SIGTERM drains and exits 0");

    const second = BuiltProcess.start("corral-hub", [], await env());
    await second.waitForOutput(/hub started/, "second start");
    assert.doesNotMatch(second.output, /password:/);
    assert.ok(!second.output.includes(password), "the password never reaches the log");
    await second.stop();
  });
});
