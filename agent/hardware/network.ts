import { errorText, type Fingerprinter, type HardwareWarn } from "./fingerprinter";
import { withSystemInformation } from "./si";
import type { HardwareInventory, NicInfo } from "./inventory";

/**
 * Network interfaces from `si.networkInterfaces()`. Loopback (si's `internal`) is left out: it
 * says nothing about how the node is reached. Speed in Mbit/s, 0 when the OS does not know it
 * (virtual NICs, Wi-Fi, containers; si reports those as null or -1).
 */
export class NetworkFingerprinter implements Fingerprinter {
  readonly name = "network";

  constructor(private readonly warn: HardwareWarn = () => undefined) {}

  async fingerprint(into: HardwareInventory): Promise<void> {
    try {
      const found = await withSystemInformation((si) => si.networkInterfaces());
      // si returns a single object only when called with "default"; normalise anyway.
      const list = Array.isArray(found) ? found : [found];
      into.nics = list
        .filter((nic) => !nic.internal)
        .map((nic): NicInfo => ({
          name: nic.iface,
          mac: nic.mac,
          addresses: [nic.ip4, nic.ip6].filter((a) => a !== ""),
          // si gives null or -1 for "unknown"; the contract says 0.
          speedMbps: typeof nic.speed === "number" && nic.speed > 0 ? nic.speed : 0,
          virtual: nic.virtual,
        }));
    } catch (err) {
      this.warn(`network fingerprint failed: ${errorText(err)}`);
    }
  }
}
