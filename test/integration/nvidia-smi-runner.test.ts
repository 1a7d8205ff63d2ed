import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createNvidiaSmiRunner, NvidiaSmiError } from "../../agent/hardware/nvidia-smi-runner";
import { fakeNvidiaSmiPath, setFakeEnv, nvidiaSmiFixture } from "../helpers/fixtures";

const H100 = nvidiaSmiFixture("nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt");
async function rejection(p: Promise<unknown>): Promise<NvidiaSmiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof NvidiaSmiError, `expected NvidiaSmiError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

describe("nvidia-smi runner", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "corral-nvsmi-"));
  });
  afterEach(() => {
    setFakeEnv({});
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the fake's stdout for the args it was given", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100 });
    const out = await createNvidiaSmiRunner({ path: fakeNvidiaSmiPath() }).run(["-L"]);
    assert.match(out, /^GPU 0: NVIDIA H100 80GB HBM3 \(UUID: GPU-0{8}-/);
    assert.equal(out.split("\n").filter((l) => l.includes("MIG ")).length, 4);
  });

  it("reports a missing binary as 'nvidia-smi not found at <path>'", async () => {
    const missing = path.join(dir, "no-such-nvidia-smi");
    const err = await rejection(createNvidiaSmiRunner({ path: missing }).run(["-L"]));
    assert.equal(err.kind, "not-found");
    assert.equal(err.message, `nvidia-smi not found at ${missing}`);
  });

  it("reports a non-zero exit with the text the process printed", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FAIL: "Failed to initialize NVML: Unknown Error" });
    const err = await rejection(createNvidiaSmiRunner({ path: fakeNvidiaSmiPath() }).run(["-L"]));
    assert.equal(err.kind, "failed");
    assert.equal(err.exitCode, 255);
    assert.equal(err.output, "Failed to initialize NVML: Unknown Error");
    assert.equal(err.message, "nvidia-smi failed (exit 255): Failed to initialize NVML: Unknown Error");
  });

  it("kills a hung call at the timeout and answers the caller", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100, FAKE_NVIDIA_SMI_SLEEP_MS: "20000" });
    const err = await rejection(
      createNvidiaSmiRunner({ path: fakeNvidiaSmiPath(), timeoutMs: 300 }).run(["-L"]),
    );
    assert.equal(err.kind, "timeout");
    assert.match(err.message, /timed out after 300 ms/);
  });

  it("times out a script whose child keeps stdout open, then runs the next call", async () => {
    // SIGKILL reaches sh only; its `sleep` child lives on holding the stdout pipe. The runner must
    // still answer at the deadline and must not count the slot as taken afterwards.
    const script = path.join(dir, "holds-stdout");
    const marker = path.join(dir, "second-call");
    writeFileSync(script, `#!/bin/sh\nif [ -e "${marker}" ]; then echo second; exit 0; fi\nsleep 4\ntrue\n`);
    chmodSync(script, 0o755);
    const runner = createNvidiaSmiRunner({ path: script, timeoutMs: 200 });
    const err = await rejection(runner.run(["-L"]));
    assert.equal(err.kind, "timeout");
    writeFileSync(marker, "");
    assert.equal(await runner.run(["-L"]), "second\n", "the killed child exited, so the slot is free");
  });

  it("runs one process at a time and shares a call with identical args already pending", async () => {
    const logFile = path.join(dir, "calls.log");
    setFakeEnv({
      FAKE_NVIDIA_SMI_FIXTURE: H100,
      FAKE_NVIDIA_SMI_SLEEP_MS: "150",
      FAKE_NVIDIA_SMI_LOG: logFile,
    });
    const runner = createNvidiaSmiRunner({ path: fakeNvidiaSmiPath() });
    const [a, b, c] = await Promise.all([runner.run(["-L"]), runner.run(["--version"]), runner.run(["-L"])]);
    assert.equal(a, c);
    assert.match(a, /^GPU 0:/);
    assert.match(b, /CUDA Version\s+: 13\.1/);
    const events = readFileSync(logFile, "utf8").trim().split("\n");
    assert.deepEqual(
      events.map((e) => e.split(" ")[0]),
      ["start", "end", "start", "end"],
      `processes overlapped or ran more than twice: ${events.join(" | ")}`,
    );
    assert.match(events[0] ?? "", / -L$/);
    assert.match(events[2] ?? "", / --version$/);
  });

  it("keeps serving calls after one fails", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100 });
    const runner = createNvidiaSmiRunner({ path: fakeNvidiaSmiPath() });
    const [bad, good] = await Promise.allSettled([runner.run(["no-such-subcommand"]), runner.run(["-L"])]);
    assert.equal(bad.status, "rejected");
    assert.equal(good.status, "fulfilled");
  });
});
