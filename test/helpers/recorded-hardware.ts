import { createHardwareCollector } from "../../agent/hardware";
import type { HardwareSource } from "../../agent/link/hub-link";
import { fakeNvidiaSmiPath, nvidiaSmiFixture, setFakeEnv } from "./fixtures";

/**
 * A node's inventory and one GPU sample replayed from a recorded nvidia-smi capture
 * (test/fixtures/nvidia-smi) through the real hardware collector and the fake nvidia-smi; the
 * machine's own CPU, memory and OS come with it.
 */
export async function recordedHardware(fixture: string): Promise<HardwareSource> {
  setFakeEnv({ FAKE_NVIDIA_SMI_FIXTURE: nvidiaSmiFixture(fixture) });
  try {
    const c = createHardwareCollector({ nvidiaSmiPath: fakeNvidiaSmiPath() });
    const inventory = await c.inventory();
    const sample = await c.sample();
    return { inventory: async () => inventory, sample: async () => sample };
  } finally {
    setFakeEnv({});
  }
}
