import type { Core } from "../../core";
import type { NodeReservation } from "../../core/node-reservation-model";
import { wholeNodeFlavor } from "./flavors";
import { liteMetaOf, liteStatus, nodeImage } from "./lite-server-model";

/**
 * A Lite Server as ModelArts's ServerResponse. Fields Corral has no concept for (VPC, subnet,
 * order, supernode) are left out; `cloud_server.id` is the leased node's id.
 */
export function presentServer(core: Core, r: NodeReservation): Record<string, unknown> {
  const meta = liteMetaOf(r);
  const node = core.nodes.findById(r.nodeId);
  const image = node && nodeImage(node);
  return {
    id: r.id,
    name: r.name,
    status: liteStatus(core, r),
    flavor: meta.flavor || (node && wholeNodeFlavor(node)?.id) || "",
    charging_mode: meta.chargingMode,
    category: "SERVER",
    key_pair_name: meta.keyPairName,
    cloud_server: { id: r.nodeId, type: "BMS" },
    image: image
      ? { image_id: image.id, name: image.name, arch: image.arch, server_type: "BMS", status: "ACTIVE" }
      : { image_id: meta.imageId, name: "", arch: "", server_type: "BMS", status: "INACTIVE" },
    endpoints: [],
    endpoints_response: [],
    volumes: [],
    create_at: r.since,
    update_at: r.updatedAt,
  };
}
