import assert from "node:assert/strict";
import { AgentConfigError, loadAgentConfig } from "../../../agent/config";

const BASE = { CORRAL_HUB: "127.0.0.1:9081" };

/** loadAgentConfig(env) refuses, naming `variable` in the error and its message. */
function refuses(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadAgentConfig({ ...BASE, ...env }),
    (err: unknown) =>
      err instanceof AgentConfigError && err.variable === variable && err.message.includes(variable),
  );
}

describe("agent configuration", () => {
  it("CORRAL_LOG_LEVEL defaults to info and takes pino's level names", () => {
    assert.equal(loadAgentConfig(BASE).logLevel, "info");
    assert.equal(loadAgentConfig({ ...BASE, CORRAL_LOG_LEVEL: "" }).logLevel, "info");
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"]) {
      assert.equal(loadAgentConfig({ ...BASE, CORRAL_LOG_LEVEL: level }).logLevel, level);
    }
  });

  it("refuses any other CORRAL_LOG_LEVEL, listing the values it takes", () => {
    refuses({ CORRAL_LOG_LEVEL: "verbose" }, "CORRAL_LOG_LEVEL");
    refuses({ CORRAL_LOG_LEVEL: "INFO" }, "CORRAL_LOG_LEVEL");
    assert.throws(
      () => loadAgentConfig({ ...BASE, CORRAL_LOG_LEVEL: "loud" }),
      /must be one of fatal, error/,
    );
  });

  it("names the other variables it refuses", () => {
    refuses({ CORRAL_HUB: "" }, "CORRAL_HUB");
    refuses({ CORRAL_HUB: "no-port" }, "CORRAL_HUB");
    refuses({ CORRAL_RUNTIME: "podman" }, "CORRAL_RUNTIME");
    refuses({ CORRAL_KEEP_EXITED_MS: "-1" }, "CORRAL_KEEP_EXITED_MS");
    refuses({ CORRAL_NODE_NAME: "has space" }, "CORRAL_NODE_NAME");
  });
});
