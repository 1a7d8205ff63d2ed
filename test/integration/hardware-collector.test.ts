import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createHardwareCollector } from "../../agent/hardware";
import { fakeNvidiaSmiPath, setFakeEnv, nvidiaSmiFixture } from "../helpers/fixtures";

const H100 = nvidiaSmiFixture("nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt");
const P100 = nvidiaSmiFixture("netdata-tesla-p100-query-gpu.csv");
const NVML_ERROR = "Failed to initialize NVML: Unknown Error";

describe("hardware collector (through the fake nvidia-smi)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "corral-hw-"));
  });
  afterEach(() => {
    setFakeEnv({});
    rmSync(dir, { recursive: true, force: true });
  });

  it("fingerprints the H100 MIG capture: 1 GPU, 4 slices, driver and CUDA version", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100 });
    const inv = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).inventory();
    assert.equal(inv.gpu.available, true);
    assert.equal(inv.gpu.error, null);
    assert.equal(inv.gpu.driverVersion, "590.48.01");
    assert.equal(inv.gpu.cudaVersion, "13.1");
    assert.deepEqual(
      inv.gpu.gpus.map((g) => [g.uuid.slice(0, 12), g.migProfile, g.migEnabled]),
      [
        ["GPU-00000000", null, true],
        ["MIG-00000000", "3g.40gb", false],
        ["MIG-00000001", "2g.20gb", false],
        ["MIG-00000002", "1g.10gb", false],
        ["MIG-00000003", "1g.10gb", false],
      ],
    );
    assert.ok(inv.cpu.cores > 0, "the other fingerprinters ran too");
    assert.ok(inv.memory.totalMiB > 0);
  });

  it("fingerprints a plain CSV fixture (no -L output, no --version)", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: P100 });
    const inv = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).inventory();
    assert.equal(inv.gpu.available, true);
    assert.equal(inv.gpu.cudaVersion, null);
    assert.deepEqual(
      inv.gpu.gpus.map((g) => g.name),
      ["Tesla P100-PCIE-16GB"],
    );
  });

  it("reports a missing nvidia-smi as unavailable with the reason", async () => {
    const missing = path.join(dir, "nvidia-smi");
    const warnings: string[] = [];
    const collector = createHardwareCollector({ nvidiaSmiPath: missing, warn: (m) => warnings.push(m) });
    const inv = await collector.inventory();
    assert.deepEqual(inv.gpu, {
      available: false,
      error: `nvidia-smi not found at ${missing}`,
      driverVersion: null,
      cudaVersion: null,
      gpus: [],
    });
    assert.ok(warnings.some((w) => w.includes("not found")));
    const sample = await collector.sample();
    assert.deepEqual(sample.gpus, []);
  });

  it("reports an NVML failure as unavailable with nvidia-smi's text", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FAIL: NVML_ERROR });
    const inv = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).inventory();
    assert.equal(inv.gpu.available, false);
    assert.match(inv.gpu.error ?? "", /Failed to initialize NVML: Unknown Error/);
    assert.deepEqual(inv.gpu.gpus, []);
  });

  it("reports a hung nvidia-smi as a timeout within the configured limit", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100, FAKE_NVIDIA_SMI_SLEEP_MS: "20000" });
    const collector = createHardwareCollector({
      nvidiaSmiPath: fakeNvidiaSmiPath(),
      nvidiaSmiTimeoutMs: 300,
    });
    const inv = await collector.inventory();
    assert.equal(inv.gpu.available, false);
    assert.match(inv.gpu.error ?? "", /timed out after 300 ms/);
  });

  it("retries the inventory query without the fields an old driver rejects", async () => {
    const logFile = path.join(dir, "calls.log");
    setFakeEnv({
      FAKE_NVIDIA_SMI_FIXTURE: H100,
      FAKE_NVIDIA_SMI_REJECT_FIELDS: "compute_cap",
      FAKE_NVIDIA_SMI_LOG: logFile,
    });
    const inv = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).inventory();
    assert.equal(inv.gpu.available, true);
    assert.equal(inv.gpu.gpus.length, 5);
    const queries = readFileSync(logFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("start") && l.includes("--query-gpu="));
    assert.equal(queries.length, 2);
    assert.ok(queries[0]?.includes("compute_cap"));
    assert.ok(!queries[1]?.includes("compute_cap"));
    assert.ok(queries[1]?.includes("mig.mode.current"), "only the rejected field is dropped");
  });

  it("gives up after dropping each optional field once", async () => {
    setFakeEnv({
      FAKE_NVIDIA_SMI_FIXTURE: H100,
      FAKE_NVIDIA_SMI_REJECT_FIELDS: "compute_cap,mig.mode.current,uuid",
    });
    const inv = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).inventory();
    assert.equal(inv.gpu.available, false);
    assert.match(inv.gpu.error ?? "", /Field "uuid" is not a valid field to query/);
  });

  it("samples node load and per-GPU metrics", async () => {
    setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: H100 });
    const { node, gpus } = await createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() }).sample();
    assert.ok(node.cpuPercent >= 0 && node.cpuPercent <= 100, `cpuPercent ${node.cpuPercent}`);
    assert.ok(node.memoryUsedMiB > 0);
    assert.ok(node.load1 >= 0);
    assert.deepEqual(gpus, [
      {
        uuid: "GPU-00000000-0000-0000-0000-000000000000",
        utilizationPercent: null,
        memoryUtilizationPercent: null,
        memoryUsedMiB: 59,
        temperatureC: 42,
        powerWatts: 71.15,
      },
    ]);
  });

  it("runs inventory and sample side by side without overlapping nvidia-smi processes", async () => {
    const logFile = path.join(dir, "calls.log");
    setFakeEnv({
      FAKE_NVIDIA_SMI_FIXTURE: H100,
      FAKE_NVIDIA_SMI_SLEEP_MS: "50",
      FAKE_NVIDIA_SMI_LOG: logFile,
    });
    const collector = createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() });
    const [inv, sample] = await Promise.all([collector.inventory(), collector.sample()]);
    assert.equal(inv.gpu.gpus.length, 5);
    assert.equal(sample.gpus.length, 1);
    const kinds = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[0]);
    assert.equal(kinds.length, 8, "inventory query, -L, --version and the metrics query");
    assert.deepEqual(kinds, ["start", "end", "start", "end", "start", "end", "start", "end"]);
  });
});
