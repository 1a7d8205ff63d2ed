import type { Node } from "../../core/model";

/**
 * Plug-in templates Corral can answer for: what every agent brings, with the versions its nodes
 * report (so the catalogue is the inventory's, not a fixed list). A pool's plug-in is Running when
 * every node it applies to reports the chosen version.
 */
export interface PluginTemplate {
  name: string;
  type: string;
  description: string;
  /** The version a node reports, or null when the template does not apply to the node. */
  versionOf(node: Node): string | null;
}

export const PLUGIN_TEMPLATES: readonly PluginTemplate[] = [
  {
    name: "gpu-driver",
    type: "gpu",
    description: "NVIDIA driver on GPU nodes (reported by nvidia-smi; installed on the node, not by the hub)",
    versionOf: (n) => (n.hardware && n.hardware.gpus.length > 0 ? (n.hardware.driverVersion ?? "") : null),
  },
  {
    name: "container-runtime",
    type: "runtime",
    description: "The container engine the agent runs tasks with (Docker)",
    versionOf: (n) => (n.runtime ? `${n.runtime.name}-${n.runtime.version ?? "unknown"}` : null),
  },
];

export const findTemplate = (name: string): PluginTemplate | undefined =>
  PLUGIN_TEMPLATES.find((t) => t.name === name);

/** The distinct versions `t` has on `nodes`, sorted. */
export const versionsOn = (t: PluginTemplate, nodes: readonly Node[]): string[] =>
  [...new Set(nodes.map((n) => t.versionOf(n)).filter((v): v is string => v !== null && v !== ""))].sort();
