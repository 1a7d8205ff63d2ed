import { errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import { withSystemInformation } from "./si";
import type { HardwareInventory } from "./inventory";

/** Operating system, kernel, architecture and hostname from `si.osInfo()`. */
export class OsFingerprinter implements Fingerprinter {
  readonly name = "os";

  constructor(private readonly warn: HardwareWarn = () => undefined) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    try {
      const os = await withSystemInformation((si) => si.osInfo());
      into.os = {
        platform: os.platform,
        distro: os.distro,
        release: os.release,
        kernel: os.kernel,
        arch: os.arch,
        hostname: os.hostname,
      };
    } catch (err) {
      this.warn(`os fingerprint failed: ${errorText(err)}`);
    }
  }
}
