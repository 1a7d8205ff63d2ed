import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import {
  buildGpuReport,
  combineGpus,
  csvNumber,
  csvText,
  nullableValue,
  parseCudaVersion,
  parseGpuList,
  parseGpuSamples,
  parseQueryGpuCsv,
  type CsvRow,
  type ListedGpu,
} from "../../../../agent/hardware/nvidia-smi-parse";
import { captureSection, nvidiaSmiFixture, nvidiaSmiFixturesDir } from "../../../helpers/fixtures";

const P100 = "netdata-tesla-p100-query-gpu.csv";
const T4X4 = "virtualclient-4x-tesla-t4-query-gpu-510.108.03.csv";
const H100 = "nvidia-gpu-exporter-h100-mig-590.48.01-capture.txt";
const RTX4080 = "nvidia-gpu-exporter-geforce-rtx-4080-super-595.71.05-capture.txt";
const MASKED_GPU = "GPU-00000000-0000-0000-0000-000000000000";

function read(name: string): string {
  return readFileSync(nvidiaSmiFixture(name), "utf8");
}
const isQuery = (c: string): boolean => c.startsWith("--query-gpu=");
/** The n-th (0 = idle, 1 = load) --query-gpu section of a capture. */
function querySection(name: string, n: number): string {
  let seen = -1;
  return captureSection(read(name), (c) => isQuery(c) && ++seen === n);
}
function onlyRow(text: string): CsvRow {
  const table = parseQueryGpuCsv(text);
  assert.equal(table.rows.length, 1);
  assert.deepEqual(table.errors, []);
  return table.rows[0] as CsvRow;
}

describe("nvidia-smi parsers", () => {
  it("covers every CSV and capture fixture in test/fixtures/nvidia-smi", () => {
    // If a fixture of these kinds is added, this list (and a test for it) must follow.
    const files = readdirSync(nvidiaSmiFixturesDir()).filter(
      (f) => f.endsWith(".csv") || f.endsWith("-capture.txt"),
    );
    assert.deepEqual(files.sort(), [P100, RTX4080, H100, T4X4].sort());
  });

  it("reads nvidia-smi's no-value markers as null and trims the rest", () => {
    for (const v of [
      "[N/A]",
      "N/A",
      "[Not Supported]",
      "[Unknown Error]",
      "[Insufficient Permissions]",
      "ERR!",
      " ",
    ]) {
      assert.equal(nullableValue(v), null, v);
    }
    assert.equal(nullableValue("  Tesla T4 "), "Tesla T4");
    assert.equal(nullableValue("0"), "0");
  });

  it("parses the Tesla P100 CSV by its header (units stripped, [N/A] null, no trailing newline)", () => {
    const text = read(P100);
    assert.ok(!text.endsWith("\n"), "fixture should lack the trailing newline");
    const table = parseQueryGpuCsv(text);
    assert.equal(table.fields.length, 15);
    assert.ok(table.fields.includes("memory.used") && table.fields.includes("power.draw"));
    const row = onlyRow(text);
    assert.equal(csvText(row, "name"), "Tesla P100-PCIE-16GB");
    assert.equal(csvText(row, "uuid"), "GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6");
    assert.equal(csvText(row, "fan.speed"), null);
    assert.equal(csvNumber(row, "fan.speed"), null);
    assert.equal(csvNumber(row, "memory.free"), 16280);
    assert.equal(csvNumber(row, "temperature.gpu"), 37);
    assert.equal(csvNumber(row, "no.such.field"), null);

    const report = buildGpuReport(table, [], null);
    assert.equal(report.available, true);
    assert.equal(report.error, null);
    assert.equal(report.gpus.length, 1);
    const gpu = report.gpus[0];
    assert.equal(gpu?.uuid, "GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6");
    assert.equal(gpu?.index, 0, "no index column: position in the output");
    assert.equal(gpu?.memoryMiB, null, "no memory.total column");
    assert.equal(gpu?.migEnabled, false);

    const [sample] = parseGpuSamples(table);
    assert.deepEqual(sample, {
      uuid: "GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6",
      utilizationPercent: 0,
      memoryUtilizationPercent: 0,
      memoryUsedMiB: 0,
      temperatureC: 37,
      powerWatts: 28.16,
    });
  });

  it("reads CRLF line ends and a trailing newline the same way", () => {
    const lf = parseQueryGpuCsv(read(P100));
    const crlf = parseQueryGpuCsv(`${read(P100).replace(/\n/g, "\r\n")}\r\n`);
    assert.deepEqual(crlf, lf);
  });

  it("parses the 4x Tesla T4 CSV; without UUIDs anywhere the GPUs are dropped with a note", () => {
    const table = parseQueryGpuCsv(read(T4X4));
    assert.equal(table.rows.length, 4);
    assert.deepEqual(
      table.rows.map((r) => csvText(r, "pci.bus_id")),
      ["00000001:00:00.0", "00000002:00:00.0", "00000003:00:00.0", "00000004:00:00.0"],
    );
    assert.deepEqual(
      table.rows.map((r) => csvNumber(r, "memory.total")),
      [16384, 16384, 16384, 16384],
    );
    const combined = combineGpus(table, []);
    assert.equal(combined.driverVersion, "510.108.03");
    assert.deepEqual(combined.gpus, []);
    assert.equal(combined.errors.length, 4);
    assert.match(combined.errors[0] ?? "", /index 0 \(Tesla T4\) has no UUID/);
  });

  it("takes UUIDs from -L by index when the CSV has no uuid column", () => {
    const list = parseGpuList(
      [0, 1, 2, 3]
        .map((i) => `GPU ${i}: Tesla T4 (UUID: GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd)`)
        .join("\n"),
    );
    const report = buildGpuReport(parseQueryGpuCsv(read(T4X4)), list, null);
    assert.equal(report.error, null);
    assert.deepEqual(
      report.gpus.map((g) => [g.index, g.uuid, g.name, g.pciBusId, g.memoryMiB]),
      [0, 1, 2, 3].map((i) => [
        i,
        `GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd`,
        "Tesla T4",
        `0000000${i + 1}:00:00.0`,
        16384,
      ]),
    );
  });

  it("parses the H100 capture's -L: one GPU with 3g.40gb, 2g.20gb and 2x 1g.10gb slices", () => {
    const list = parseGpuList(captureSection(read(H100), (c) => c === "-L"));
    assert.equal(list.length, 1);
    const gpu = list[0] as ListedGpu;
    assert.deepEqual([gpu.index, gpu.name, gpu.uuid], [0, "NVIDIA H100 80GB HBM3", MASKED_GPU]);
    assert.deepEqual(
      gpu.migs.map((m) => [m.profile, m.migIndex, m.uuid]),
      [
        ["3g.40gb", 0, "MIG-00000000-0000-0000-0000-000000000000"],
        ["2g.20gb", 1, "MIG-00000001-0000-0000-0000-000000000001"],
        ["1g.10gb", 2, "MIG-00000002-0000-0000-0000-000000000002"],
        ["1g.10gb", 3, "MIG-00000003-0000-0000-0000-000000000003"],
      ],
    );
  });

  it("parses the H100 capture's 212-field query (units in values) and combines it with -L", () => {
    const table = parseQueryGpuCsv(querySection(H100, 0));
    assert.equal(table.fields.length, 212);
    const row = onlyRow(querySection(H100, 0));
    assert.equal(csvNumber(row, "memory.total"), 81559, "'81559 MiB' with the unit in the value");
    assert.equal(csvNumber(row, "utilization.gpu"), null, "[N/A] under MIG");
    assert.equal(csvText(row, "mig.mode.current"), "Enabled");

    const list = parseGpuList(captureSection(read(H100), (c) => c === "-L"));
    const report = buildGpuReport(table, list, "13.1");
    assert.equal(report.error, null);
    assert.equal(report.driverVersion, "590.48.01");
    assert.equal(report.gpus.length, 5);
    const [parent, ...slices] = report.gpus;
    assert.deepEqual(parent, {
      uuid: MASKED_GPU,
      index: 0,
      name: "NVIDIA H100 80GB HBM3",
      memoryMiB: 81559,
      pciBusId: "00000000:00:09.0",
      computeCap: "9.0",
      migEnabled: true,
      parentUuid: null,
      migProfile: null,
      migIndex: null,
    });
    assert.deepEqual(
      slices.map((s) => [s.uuid, s.index, s.parentUuid, s.migProfile, s.migIndex, s.memoryMiB, s.migEnabled]),
      [
        ["MIG-00000000-0000-0000-0000-000000000000", 0, MASKED_GPU, "3g.40gb", 0, null, false],
        ["MIG-00000001-0000-0000-0000-000000000001", 0, MASKED_GPU, "2g.20gb", 1, null, false],
        ["MIG-00000002-0000-0000-0000-000000000002", 0, MASKED_GPU, "1g.10gb", 2, null, false],
        ["MIG-00000003-0000-0000-0000-000000000003", 0, MASKED_GPU, "1g.10gb", 3, null, false],
      ],
    );
    assert.equal(slices[0]?.name, "NVIDIA H100 80GB HBM3 MIG 3g.40gb");
    assert.equal(slices[0]?.pciBusId, "00000000:00:09.0");
  });

  it("samples the H100 under load: [N/A] utilization is null, units dropped", () => {
    const [sample] = parseGpuSamples(parseQueryGpuCsv(querySection(H100, 1)));
    assert.deepEqual(sample, {
      uuid: MASKED_GPU,
      utilizationPercent: null,
      memoryUtilizationPercent: null,
      memoryUsedMiB: 11125,
      temperatureC: 53,
      powerWatts: 433.78,
    });
  });

  it("parses the RTX 4080 SUPER capture: one GPU, no MIG ([N/A] mode), metrics", () => {
    const text = read(RTX4080);
    const list = parseGpuList(captureSection(text, (c) => c === "-L"));
    assert.deepEqual(list, [{ index: 0, name: "NVIDIA GeForce RTX 4080 SUPER", uuid: MASKED_GPU, migs: [] }]);
    const table = parseQueryGpuCsv(querySection(RTX4080, 0));
    assert.equal(table.fields.length, 202);
    const report = buildGpuReport(table, list, null);
    assert.equal(report.gpus.length, 1);
    assert.equal(report.gpus[0]?.memoryMiB, 16376);
    assert.equal(report.gpus[0]?.computeCap, "8.9");
    assert.equal(report.gpus[0]?.migEnabled, false);
    assert.equal(report.driverVersion, "595.71.05");
    assert.deepEqual(parseGpuSamples(table), [
      {
        uuid: MASKED_GPU,
        utilizationPercent: 0,
        memoryUtilizationPercent: 23,
        memoryUsedMiB: 596,
        temperatureC: 43,
        powerWatts: 26.2,
      },
    ]);
  });

  it("reads the CUDA version from --version and from the default table", () => {
    assert.equal(parseCudaVersion(captureSection(read(H100), (c) => c === "--version")), "13.1");
    assert.equal(parseCudaVersion(captureSection(read(RTX4080), (c) => c === "")), "13.2");
    assert.equal(parseCudaVersion(read("gpud-8x-h100-default-table-550.90.07.txt")), "12.4");
    assert.equal(parseCudaVersion(""), null);
  });

  it("reads the pre-R470 MIG UUID form and ignores unrelated lines", () => {
    const list = parseGpuList(
      [
        "GPU 0: A100-SXM4-40GB (UUID: GPU-5c89852c-d268-c3f3-1b07-005d5ae1dc3f)",
        "  MIG 1g.5gb Device 0: (UUID: MIG-GPU-5c89852c-d268-c3f3-1b07-005d5ae1dc3f/7/0)",
        "No devices were found",
        "",
      ].join("\r\n"),
    );
    assert.equal(list.length, 1);
    assert.deepEqual(list[0]?.migs, [
      { profile: "1g.5gb", migIndex: 0, uuid: "MIG-GPU-5c89852c-d268-c3f3-1b07-005d5ae1dc3f/7/0" },
    ]);
  });

  it("marks MIG mode from the CSV alone, drops bad rows and repeated UUIDs with notes", () => {
    const csv = [
      "index, uuid, name, memory.total [MiB], mig.mode.current",
      "0, GPU-a, NVIDIA A100-SXM4-40GB, 40960, Enabled",
      "1, GPU-b, NVIDIA A100-SXM4-40GB, 40960",
      "2, GPU-a, NVIDIA A100-SXM4-40GB, 40960, Disabled",
      "3, GPU-d, NVIDIA A100-SXM4-40GB, [Not Supported], [Unknown Error]",
    ].join("\n");
    const report = buildGpuReport(parseQueryGpuCsv(csv), [], null);
    assert.deepEqual(
      report.gpus.map((g) => [g.uuid, g.index, g.migEnabled, g.memoryMiB]),
      [
        ["GPU-a", 0, true, 40960],
        ["GPU-d", 3, false, null],
      ],
    );
    assert.match(report.error ?? "", /row 2 has 4 fields, header has 5/);
    assert.match(report.error ?? "", /index 2 repeats UUID GPU-a/);
  });

  it("reports empty output as a parse note, not a crash", () => {
    const table = parseQueryGpuCsv("");
    assert.deepEqual(table.rows, []);
    assert.deepEqual(parseGpuList(""), []);
    assert.equal(buildGpuReport(table, [], null).error, "empty --query-gpu output");
  });
});
