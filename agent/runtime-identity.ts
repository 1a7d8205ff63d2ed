import crypto from "node:crypto";

/**
 * The key a node's containers are labelled with (`corral.node`): derived from cluster and node
 * name, so it is known before the first Join and stays the same across rejoins and restarts.
 */
export function identityNodeKey(cluster: string, nodeName: string): string {
  return crypto.createHash("sha256").update(`${cluster}/${nodeName}`).digest("hex").slice(0, 24);
}
