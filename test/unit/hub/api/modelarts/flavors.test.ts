import assert from "node:assert/strict";
import {
  findFlavor,
  flavorResources,
  flavorsOf,
  nodeFlavors,
} from "../../../../../hub/api/modelarts/flavors";
import type { GpuDevice, Node } from "../../../../../hub/core/model";

const gpu = (i: number, name = "NVIDIA A100-SXM4-80GB", migEnabled = false): GpuDevice => ({
  uuid: `GPU-${i}`,
  index: i,
  name,
  memoryMiB: 81920,
  pciBusId: null,
  computeCap: "8.0",
  migEnabled,
  parentUuid: null,
  migProfile: null,
  migIndex: null,
});

/** A node with only what flavors read: its hardware. */
function node(cores: number, memoryMiB: number, gpus: GpuDevice[] = [], arch = "x64"): Node {
  return {
    id: `n-${cores}-${memoryMiB}-${gpus.length}`,
    hardware: {
      cpu: { manufacturer: "x", brand: "x", cores, physicalCores: cores, speedGhz: 3 },
      memory: { totalMiB: memoryMiB },
      disks: [],
      nics: [],
      os: { platform: "linux", distro: "d", release: "1", kernel: "k", arch, hostname: "h" },
      gpuAvailable: gpus.length > 0,
      gpuError: null,
      driverVersion: null,
      cudaVersion: null,
      gpus,
    },
  } as unknown as Node;
}

describe("modelarts flavors from node shapes", () => {
  it("splits a CPU node by halving its cores, memory in proportion (whole GiB)", () => {
    const ids = nodeFlavors(node(6, 24_000)).map((f) => [f.id, f.maxNum]);
    assert.deepEqual(ids, [
      ["corral.cpu.1u3g", 6],
      ["corral.cpu.2u7g", 3],
      ["corral.cpu.4u15g", 1],
      ["corral.cpu.6u23g", 1],
    ]);
  });

  it("splits a GPU node by GPU count, naming the model; MIG parents are not counted", () => {
    const n = node(32, 262_144, [gpu(0), gpu(1), gpu(2), gpu(3, "NVIDIA A100-SXM4-80GB", true)]);
    const fs = nodeFlavors(n);
    assert.deepEqual(
      fs.map((f) => f.id),
      [
        "corral.gpu.1x-nvidia-a100-sxm4-80gb.10u85g",
        "corral.gpu.2x-nvidia-a100-sxm4-80gb.21u170g",
        "corral.gpu.3x-nvidia-a100-sxm4-80gb.32u256g",
      ],
    );
    assert.deepEqual(flavorResources(fs[0]!), { cpuMilli: 10_000, memoryMiB: 85 * 1024, gpu: 1 });
    assert.equal(fs[0]!.type, "GPU");
  });

  it("lists each id once across nodes, CPU first, and finds a flavor by id; arm is arm", () => {
    const all = flavorsOf([node(4, 16_384), node(8, 32_768), node(2, 8_192, [], "arm64")]);
    assert.deepEqual(
      all.map((f) => f.id),
      ["corral.cpu.1u4g", "corral.cpu.2u8g", "corral.cpu.4u16g", "corral.cpu.8u32g"],
    );
    assert.equal(all.find((f) => f.id === "corral.cpu.4u16g")!.maxNum, 2);
    assert.equal(findFlavor([node(2, 8_192, [], "arm64")], "corral.cpu.2u8g")?.arch, "arm");
    assert.equal(findFlavor([], "corral.cpu.2u8g"), undefined);
    assert.deepEqual(nodeFlavors({ hardware: null } as Node), []);
  });
});
