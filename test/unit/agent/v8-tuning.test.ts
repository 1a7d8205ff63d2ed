import assert from "node:assert/strict";
import {
  AGENT_V8_FLAGS,
  agentV8Flags,
  applyAgentV8Tuning,
  restoreAgentV8Defaults,
  V8_TUNING_ENV,
  V8TuningConfigError,
} from "../../../agent/v8-tuning";

describe("agent V8 tuning", () => {
  it("sets Turbofan off by default", () => {
    const set: string[] = [];
    assert.deepEqual(
      applyAgentV8Tuning({}, (f) => set.push(f)),
      ["--no-opt"],
    );
    assert.deepEqual(set, ["--no-opt"]);
    assert.deepEqual(agentV8Flags({ [V8_TUNING_ENV]: "on" }), AGENT_V8_FLAGS);
  });

  it("sets nothing with CORRAL_AGENT_V8_TUNING=off", () => {
    const set: string[] = [];
    assert.deepEqual(
      applyAgentV8Tuning({ [V8_TUNING_ENV]: " OFF " }, (f) => set.push(f)),
      [],
    );
    assert.deepEqual(set, []);
  });

  it("turns Turbofan back on when asked (the first tunnel), and touches nothing when tuning is off", () => {
    const set: string[] = [];
    assert.deepEqual(
      restoreAgentV8Defaults({}, (f) => set.push(f)),
      ["--opt"],
    );
    assert.deepEqual(
      restoreAgentV8Defaults({ [V8_TUNING_ENV]: "off" }, (f) => set.push(f)),
      [],
    );
    assert.deepEqual(set, ["--opt"]);
  });

  it("refuses any other value, naming the variable", () => {
    assert.throws(
      () => agentV8Flags({ [V8_TUNING_ENV]: "maybe" }),
      (err: unknown) =>
        err instanceof V8TuningConfigError &&
        /CORRAL_AGENT_V8_TUNING must be "on" or "off"/.test(err.message),
    );
  });
});
