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

  it("container policy: pids limit, bind address and denied host ports (the hub's port added by default)", () => {
    const c = loadAgentConfig({ ...BASE, CORRAL_HUB: "hub:7443" }).containerPolicy;
    assert.equal(c.pidsLimit, 4096);
    assert.equal(c.portBindAddress, "0.0.0.0");
    assert.deepEqual(c.deniedHostPorts, [
      { from: 1, to: 1023 },
      { from: 9080, to: 9081 },
      { from: 7443, to: 7443 },
    ]);
    const set = loadAgentConfig({
      ...BASE,
      CORRAL_CONTAINER_PIDS_LIMIT: "256",
      CORRAL_PORT_BIND_ADDRESS: "127.0.0.1",
      CORRAL_DENIED_HOST_PORTS: "1-1023,8000-8100",
    }).containerPolicy;
    assert.deepEqual(set, {
      pidsLimit: 256,
      portBindAddress: "127.0.0.1",
      deniedHostPorts: [
        { from: 1, to: 1023 },
        { from: 8000, to: 8100 },
      ],
    });
    refuses({ CORRAL_PORT_BIND_ADDRESS: "localhost" }, "CORRAL_PORT_BIND_ADDRESS");
    refuses({ CORRAL_DENIED_HOST_PORTS: "80-22" }, "CORRAL_DENIED_HOST_PORTS");
    refuses({ CORRAL_CONTAINER_PIDS_LIMIT: "-5" }, "CORRAL_CONTAINER_PIDS_LIMIT");
    refuses({ CORRAL_HUB_CA_FILE: "/no/such/ca.crt" }, "CORRAL_HUB_CA_FILE");
  });
});
