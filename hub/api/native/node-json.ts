import type { Node } from "../../core/model";
import { presentNode } from "./presenters";

type Allocated = Parameters<typeof presentNode>[2];

interface Entry {
  /** The node's own fields when `json` was made (compared one by one: liveness mutates a node in place). */
  fields: Node;
  cluster: string;
  allocationVersion: number;
  json: string;
}

/**
 * The JSON text of presentNode() per node, made again only when something it shows changed: a
 * field of the node (by identity: core replaces labels, hardware and metrics objects rather than
 * editing them), its cluster's name or its allocation ledger version. A 1k-node list is ~2.5 MB
 * of JSON; serialising it whole per request capped the list at a few dozen req/s (issue 15).
 * What is served is byte for byte JSON.stringify of the presenter's object.
 */
export class NodeJsonCache {
  private readonly entries = new Map<string, Entry>();

  json(node: Node, cluster: string, allocationVersion: number, allocated: () => Allocated): string {
    const e = this.entries.get(node.id);
    if (e && e.cluster === cluster && e.allocationVersion === allocationVersion && sameFields(e.fields, node))
      return e.json;
    const json = JSON.stringify(presentNode(node, cluster, allocated()));
    this.entries.set(node.id, { fields: { ...node }, cluster, allocationVersion, json });
    return json;
  }
}

function sameFields(a: Node, b: Node): boolean {
  const keys = Object.keys(b) as (keyof Node)[];
  if (keys.length !== Object.keys(a).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
