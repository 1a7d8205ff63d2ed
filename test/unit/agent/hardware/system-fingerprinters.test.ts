import assert from "node:assert/strict";
import { hostname } from "node:os";
import { CpuFingerprinter } from "../../../../agent/hardware/cpu";
import { DiskFingerprinter } from "../../../../agent/hardware/disk";
import { bytesToMiB, emptyInventory } from "../../../../agent/hardware/fingerprinter";
import { MemoryFingerprinter } from "../../../../agent/hardware/memory";
import { NetworkFingerprinter } from "../../../../agent/hardware/network";
import { OsFingerprinter } from "../../../../agent/hardware/os";

describe("system fingerprinters (this machine)", () => {
  it("cpu: manufacturer or brand, cores > 0, physical cores <= logical", async () => {
    const inv = emptyInventory();
    await new CpuFingerprinter().fingerprint(inv);
    assert.ok(inv.cpu.cores > 0, `cores ${inv.cpu.cores}`);
    assert.ok(inv.cpu.physicalCores > 0 && inv.cpu.physicalCores <= inv.cpu.cores);
    assert.ok(inv.cpu.brand !== "" || inv.cpu.manufacturer !== "");
    assert.ok(inv.cpu.speedGhz >= 0 && inv.cpu.speedGhz < 20, `speed ${inv.cpu.speedGhz} GHz`);
  });

  it("memory: total in MiB, between 64 MiB and 64 TiB", async () => {
    const inv = emptyInventory();
    await new MemoryFingerprinter().fingerprint(inv);
    assert.ok(
      inv.memory.totalMiB > 64 && inv.memory.totalMiB < 64 * 1024 * 1024,
      `${inv.memory.totalMiB} MiB`,
    );
  });

  it("os: platform, arch and this host's name", async () => {
    const inv = emptyInventory();
    await new OsFingerprinter().fingerprint(inv);
    assert.equal(inv.os.platform, process.platform);
    assert.equal(inv.os.hostname, hostname());
    assert.ok(inv.os.arch !== "" && inv.os.kernel !== "");
  });

  it("disk: sizes in MiB, used <= size", async () => {
    const inv = emptyInventory();
    await new DiskFingerprinter().fingerprint(inv);
    for (const d of inv.disks) {
      assert.ok(d.sizeMiB > 0 && d.usedMiB <= d.sizeMiB, JSON.stringify(d));
      assert.ok(d.mount !== "");
    }
  });

  it("network: no loopback, speeds are numbers", async () => {
    const inv = emptyInventory();
    await new NetworkFingerprinter().fingerprint(inv);
    for (const nic of inv.nics) {
      assert.notEqual(nic.name, "lo");
      assert.ok(Number.isFinite(nic.speedMbps) && nic.speedMbps >= 0, JSON.stringify(nic));
    }
  });

  it("converts bytes to whole MiB", () => {
    assert.equal(bytesToMiB(1_048_576 * 3 + 5), 3);
    assert.equal(bytesToMiB(-1), 0);
    assert.equal(bytesToMiB(Number.NaN), 0);
  });
});
