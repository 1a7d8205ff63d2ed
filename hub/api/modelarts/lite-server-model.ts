import { createHash } from "node:crypto";
import type { Core } from "../../core";
import type { Node, User } from "../../core/model";
import type { NodeReservation } from "../../core/node-reservation-model";
import { ModelArtsError } from "./errors";

/**
 * A Lite Server is a core node reservation (core.nodeReservations): a whole node leased to one
 * user. What ModelArts adds is kept in the reservation's `meta.modelarts`: the flavor and image
 * asked for, the key pair name, and the operations started on it (their ids are the request ids).
 */
export interface LiteServerMeta {
  flavor: string;
  imageId: string;
  keyPairName: string;
  chargingMode: string;
  operations: LiteOperation[];
}

/** A lifecycle call on a server; its status is derived from the server's state now. */
export interface LiteOperation {
  id: string;
  type: "CREATE" | "START" | "STOP" | "REBOOT";
  at: number;
}

/** Operations kept per server (the oldest go first). */
export const MAX_OPERATIONS = 20;

export const liteMetaOf = (r: NodeReservation): LiteServerMeta =>
  (r.meta.modelarts as LiteServerMeta | undefined) ?? {
    flavor: "",
    imageId: "",
    keyPairName: "",
    chargingMode: "POST_PAID",
    operations: [],
  };

export const withLiteMeta = (meta: LiteServerMeta): Record<string, unknown> => ({ modelarts: meta });

/** The OS image a node runs, as a Lite Server image: its id is a UUID made from the OS name alone. */
export interface LiteImage {
  id: string;
  name: string;
  arch: "X86" | "ARM";
}

export function nodeImage(node: Node): LiteImage | undefined {
  const os = node.hardware?.os;
  if (!os) return undefined;
  const arch = /arm|aarch/i.test(os.arch) ? "ARM" : "X86";
  const name = `${os.distro || os.platform} ${os.release}`.trim();
  const h = createHash("sha1").update(`${name}|${arch}`).digest("hex");
  // RFC 4122 name-based layout (version 5, variant 10xx), so it matches ModelArts's id pattern.
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16] ?? "0", 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { id, name, arch };
}

/**
 * ModelArts's instance status from the node's real state: STOPPING/STOPPED after a stop (until
 * its tasks are gone), ERROR when the node is gone or not ready, REBOOTING while a reboot's
 * tasks stop, else RUNNING.
 */
export function liteStatus(core: Core, r: NodeReservation): string {
  const { node, stopping } = core.nodeReservations.state(r);
  if (r.stopped) return stopping > 0 ? "STOPPING" : "STOPPED";
  if (!node || node.status !== "ready") return "ERROR";
  if (stopping > 0) return "REBOOTING";
  return "RUNNING";
}

/** The server `id` when `user` holds it (or is the admin); otherwise ModelArts's "not found". */
export function reachableServer(core: Core, user: User, id: string): NodeReservation {
  const r = core.nodeReservations.find(id);
  if (!r || (r.holderId !== user.id && !core.authz.isAdmin(user))) {
    throw new ModelArtsError(404, "ModelArts.0104", `Lite Server ${id} not found`);
  }
  return r;
}
