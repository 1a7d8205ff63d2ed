import { errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import { withSystemInformation } from "./si";
import type { HardwareInventory } from "./inventory";

/** CPU model and core counts from `si.cpu()`. Speed in GHz (the base clock si reports). */
export class CpuFingerprinter implements Fingerprinter {
  readonly name = "cpu";

  constructor(private readonly warn: HardwareWarn = () => undefined) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    try {
      const cpu = await withSystemInformation((si) => si.cpu());
      into.cpu = {
        manufacturer: cpu.manufacturer,
        brand: cpu.brand,
        cores: cpu.cores,
        physicalCores: cpu.physicalCores,
        speedGhz: Number.isFinite(cpu.speed) ? cpu.speed : 0,
      };
    } catch (err) {
      this.warn(`cpu fingerprint failed: ${errorText(err)}`);
    }
  }
}
