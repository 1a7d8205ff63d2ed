import type { Core } from "../../core";
import { flavorResources, flavorsOf } from "./flavors";

/** What one instance of a service config reserves and is held to. */
export interface InstanceResources {
  /** CPU, millicores. */
  cpuMilli: number;
  /** Memory, MiB. */
  memoryMiB: number;
  /** GPUs (device count). */
  gpu: number;
}

/** A deployment specification (ModelArts `specification`) and what an instance of it gets. */
export interface ServiceSpecification {
  specification: string;
  category: "CPU" | "GPU";
  resources: InstanceResources;
}

/**
 * ModelArts's public CPU specifications by name (`modelarts.vm.cpu.2u` is the documents' own
 * example): n cores and 4 GiB per core (Huawei's 2u is 2 vCPUs and 8 GB).
 */
const PUBLIC_CPU: readonly ServiceSpecification[] = [1, 2, 4, 8].map((n) => ({
  specification: `modelarts.vm.cpu.${n}u`,
  category: "CPU",
  resources: { cpuMilli: n * 1000, memoryMiB: n * 4096, gpu: 0 },
}));

/** The specification `custom` takes `custom_spec` (cores, MB, GPUs) instead of a name. */
export const CUSTOM_SPECIFICATION = "custom";

/** Every named specification: the public CPU ones, then one per node shape the hub knows. */
export function serviceSpecifications(core: Core): ServiceSpecification[] {
  const shapes = flavorsOf(core.nodes.list()).map((f) => ({
    specification: f.id,
    category: f.type,
    resources: flavorResources(f),
  }));
  return [...PUBLIC_CPU, ...shapes];
}

/** A named specification's resources, or undefined when the hub has no such name. */
export function specificationResources(core: Core, name: string): InstanceResources | undefined {
  return serviceSpecifications(core).find((s) => s.specification === name)?.resources;
}
