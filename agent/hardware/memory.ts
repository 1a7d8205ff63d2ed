import { bytesToMiB, errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import { withSystemInformation } from "./si";
import type { HardwareInventory } from "./inventory";

/** Physical memory size from `si.mem()`, in MiB. */
export class MemoryFingerprinter implements Fingerprinter {
  readonly name = "memory";

  constructor(private readonly warn: HardwareWarn = () => undefined) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    try {
      const mem = await withSystemInformation((si) => si.mem());
      into.memory = { totalMiB: bytesToMiB(mem.total) };
    } catch (err) {
      this.warn(`memory fingerprint failed: ${errorText(err)}`);
    }
  }
}
