import assert from "node:assert/strict";
import { MISSING_RECHECK_MS, NvidiaSampler } from "../../../../agent/hardware/nvidia";
import { NvidiaSmiError, type NvidiaSmiRunner } from "../../../../agent/hardware/nvidia-smi-runner";

/** A runner that fails with `kind` (or answers `csv` when kind is null) and counts its calls. */
function runner(state: {
  kind: NvidiaSmiError["kind"] | null;
  calls: number;
  csv?: string;
}): NvidiaSmiRunner {
  return {
    path: "nvidia-smi",
    run: (args) => {
      state.calls++;
      if (state.kind === null) return Promise.resolve(state.csv ?? "");
      return Promise.reject(
        new NvidiaSmiError(state.kind, `nvidia-smi ${state.kind}`, "nvidia-smi", args, null, ""),
      );
    },
  };
}

const CSV =
  "uuid, utilization.gpu [%], utilization.memory [%], memory.used [MiB], temperature.gpu, power.draw [W]\n" +
  "GPU-1, 10, 20, 300, 40, 50.5\n";

describe("agent/hardware/nvidia: NvidiaSampler on a node without nvidia-smi", () => {
  it("stops spawning nvidia-smi at every beat once it is not found, and looks again after MISSING_RECHECK_MS", async () => {
    const state = { kind: "not-found" as NvidiaSmiError["kind"] | null, calls: 0, csv: CSV };
    let now = 1_000_000;
    const sampler = new NvidiaSampler(runner(state), () => now);
    assert.deepEqual(await sampler.sample(), []);
    assert.equal(sampler.lastError, "nvidia-smi not-found");
    for (let beat = 0; beat < 5; beat++) {
      now += 10_000;
      assert.deepEqual(await sampler.sample(), []);
    }
    assert.equal(state.calls, 1);
    state.kind = null; // a driver got installed
    now += MISSING_RECHECK_MS;
    const samples = await sampler.sample();
    assert.equal(state.calls, 2);
    assert.equal(samples[0]?.uuid, "GPU-1");
    assert.equal(sampler.lastError, null);
  });

  it("recheck() makes the next sample call nvidia-smi at once", async () => {
    const state = { kind: "not-found" as NvidiaSmiError["kind"] | null, calls: 0 };
    const sampler = new NvidiaSampler(runner(state), () => 0);
    await sampler.sample();
    await sampler.sample();
    assert.equal(state.calls, 1);
    sampler.recheck();
    await sampler.sample();
    assert.equal(state.calls, 2);
  });

  it("keeps calling at every beat after other failures (a timeout or a failed run may pass)", async () => {
    for (const kind of ["timeout", "failed", "busy"] as const) {
      const state = { kind: kind as NvidiaSmiError["kind"] | null, calls: 0 };
      const sampler = new NvidiaSampler(runner(state), () => 0);
      await sampler.sample();
      await sampler.sample();
      assert.equal(state.calls, 2, kind);
    }
  });
});
