import { bytesToMiB, errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import { withSystemInformation } from "./si";
import type { HardwareInventory } from "./inventory";

/**
 * Mounted filesystems from `si.fsSize()`, sizes in MiB. Zero-sized entries (pseudo filesystems
 * some platforms list) are left out: nothing can be scheduled onto them.
 */
export class DiskFingerprinter implements Fingerprinter {
  readonly name = "disk";

  constructor(private readonly warn: HardwareWarn = () => undefined) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    try {
      const filesystems = await withSystemInformation((si) => si.fsSize());
      into.disks = filesystems
        .filter((fs) => fs.size > 0)
        .map((fs) => ({
          name: fs.fs,
          mount: fs.mount,
          fsType: fs.type,
          sizeMiB: bytesToMiB(fs.size),
          usedMiB: bytesToMiB(fs.used),
        }));
    } catch (err) {
      this.warn(`disk fingerprint failed: ${errorText(err)}`);
    }
  }
}
