import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as si from "systeminformation";
import { createHardwareCollector } from "../../../../agent/hardware";
import { CpuFingerprinter } from "../../../../agent/hardware/cpu";
import { emptyInventory } from "../../../../agent/hardware/fingerprinter";
import { NodeSampler, parseMeminfoUsed, parseProcStat } from "../../../../agent/hardware/node-sampler";
import { systemInformationLoaded } from "../../../../agent/hardware/si";

const STAT = (user: number, idle: number, steal = 0) =>
  `cpu  ${user} 10 20 ${idle} 500 3 7 ${steal} 4 0\ncpu0 1 2 3 4 5 6 7 8 9 0\nintr 1 2 3\n`;

describe("agent/hardware/node-sampler: the heartbeat's CPU and memory figures", () => {
  it("parses /proc/stat as systeminformation counts: busy = user+nice+system+irq+steal+guest, iowait and softirq left out", () => {
    assert.deepEqual(parseProcStat(STAT(100, 1000, 2)), {
      busy: 100 + 10 + 20 + 3 + 2 + 4,
      total: 139 + 1000,
    });
    assert.equal(parseProcStat("intr 1 2\n"), null);
  });

  it("parses /proc/meminfo: in use = MemTotal - MemAvailable, or without MemAvailable total - (free + buffers + cached + slab)", () => {
    const withAvailable =
      "MemTotal:       1000 kB\nMemFree:  100 kB\nMemAvailable:   400 kB\nBuffers: 10 kB\n";
    assert.equal(parseMeminfoUsed(withAvailable), 600 * 1024);
    const old = "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\nSlab: 40 kB\n";
    assert.equal(parseMeminfoUsed(old), (1000 - 350) * 1024);
    assert.equal(parseMeminfoUsed("nothing here"), null);
  });

  it("reports busy % over the ticks between two calls, the first since boot", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-sampler-"));
    const stat = path.join(dir, "stat");
    fs.writeFileSync(stat, STAT(300, 700));
    const sampler = new NodeSampler(stat, path.join(dir, "meminfo"));
    // busy 300+10+20+3+4 = 337 of 1037 ticks since boot
    assert.equal(Math.round((await sampler.cpuPercent()) * 100), Math.round((337 / 1037) * 10000));
    fs.writeFileSync(stat, STAT(400, 800));
    // Within 200 ms: the previous figure (as systeminformation does), the ticks are kept for later.
    assert.equal(Math.round((await sampler.cpuPercent()) * 100), Math.round((337 / 1037) * 10000));
    await new Promise((r) => setTimeout(r, 210));
    // +100 busy, +100 idle: 50 %
    assert.equal(await sampler.cpuPercent(), 50);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("memory in use on this machine agrees with systeminformation's mem().active (within 5 %)", async function () {
    if (process.platform !== "linux") this.skip();
    const [ours, theirs] = [await new NodeSampler().memoryUsedBytes(), (await si.mem()).active];
    assert.ok(Math.abs(ours - theirs) <= theirs * 0.05, `ours ${ours}, systeminformation ${theirs}`);
  });

  it("the collector's sample gives a CPU % in 0..100 and memory in use > 0", async () => {
    const hw = createHardwareCollector({ nvidiaSmiPath: "/nonexistent/nvidia-smi" });
    const { node } = await hw.sample();
    assert.ok(node.cpuPercent >= 0 && node.cpuPercent <= 100, `${node.cpuPercent}`);
    assert.ok(node.memoryUsedMiB > 0 && node.memoryUsedMiB <= os.totalmem() / 1_048_576);
  });
});

describe("agent/hardware/si: systeminformation held only while a fingerprint runs", () => {
  it("a fingerprint loads it, fills the same facts as the library, and releases it afterwards", async () => {
    const inv = emptyInventory();
    await new CpuFingerprinter().fingerprint(inv);
    assert.equal(systemInformationLoaded(), false);
    const direct = await si.cpu();
    assert.deepEqual(
      { brand: inv.cpu.brand, cores: inv.cpu.cores, physicalCores: inv.cpu.physicalCores },
      { brand: direct.brand, cores: direct.cores, physicalCores: direct.physicalCores },
    );
  });

  it("the collector's inventory is complete and leaves the library unloaded", async () => {
    const hw = createHardwareCollector({ nvidiaSmiPath: "/nonexistent/nvidia-smi" });
    const inv = await hw.inventory();
    assert.equal(systemInformationLoaded(), false);
    assert.equal(inv.cpu.cores, os.cpus().length);
    assert.equal(inv.os.hostname, os.hostname());
    assert.equal(inv.memory.totalMiB, Math.floor(os.totalmem() / 1_048_576));
    assert.equal(inv.gpu.available, false);
  });
});
