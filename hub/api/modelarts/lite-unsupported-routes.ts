import type Router from "@koa/router";
import type { ApiState } from "../context";
import type { ModelArtsDeps } from "./deps";
import { unsupported } from "./errors";

type Method = "get" | "post" | "put" | "delete";

const OS = "a Corral node runs the OS its owner installed; the hub cannot reimage it";
const DISKS = "EVS disks are Huawei Cloud storage; a Lite Server is a node with its own disks";
const EIPS =
  "elastic public IPs are Huawei Cloud networking; reach a server's work through the hub's tunnels";
const HYPER =
  "hyperinstances and hyper clusters are Huawei Cloud supernode hardware; lease single nodes with POST /v1/{project_id}/dev-servers";
const ROCE = "RoCE networks are built in Huawei Cloud's fabric; Corral nodes use the network they have";
const TOPOLOGY = "Tor switch topology is known to Huawei Cloud only; Corral agents do not report switches";

/**
 * Lite Server operations that need Huawei's cloud itself (docs: README, "ModelArts", not-supported
 * list): each answers ModelArts.0108 with the reason, never 404.
 */
const ROUTES: readonly [Method, string, string, string][] = [
  ["post", "/:id/changeos", "changing a Lite Server's operating system", OS],
  ["post", "/:id/reinstallos", "reinstalling a Lite Server's operating system", OS],
  ["post", "/:id/attachvolume", "attaching a disk to a Lite Server", DISKS],
  ["delete", "/:id/detachvolume/:volume_id", "detaching a disk from a Lite Server", DISKS],
  ["post", "/:id/publicips", "binding an EIP to a Lite Server", EIPS],
  ["get", "/:id/publicips", "listing a Lite Server's EIPs", EIPS],
  ["post", "/networks", "creating a RoCE network", ROCE],
  ["get", "/instance-physical-topologies", "querying Tor (switch) topologies", TOPOLOGY],
  ["post", "/hyper-clusters", "creating a hyper cluster", HYPER],
  ["get", "/hyper-clusters", "listing hyper clusters", HYPER],
  ["get", "/hyper-clusters/:id", "querying a hyper cluster", HYPER],
  ["delete", "/hyper-clusters/:id", "deleting a hyper cluster", HYPER],
  ["get", "/hyperinstance", "listing hyperinstances", HYPER],
  ["get", "/hyperinstance/all", "listing every hyperinstance", HYPER],
  ["post", "/hyperinstance/cluster-capacity-evaluations", "evaluating hyper cluster capacity", HYPER],
  ["get", "/hyperinstance/:id", "querying a hyperinstance", HYPER],
  ["delete", "/hyperinstance/:id", "deleting a hyperinstance", HYPER],
  ["put", "/hyperinstance/:id/start", "starting a hyperinstance", HYPER],
  ["put", "/hyperinstance/:id/stop", "stopping a hyperinstance", HYPER],
  ["post", "/hyperinstance/:id/changeos", "changing a hyperinstance's operating system", HYPER],
  ["get", "/hyperinstance/:id/operation/:operation_id", "querying a hyperinstance operation", HYPER],
  ["post", "/hyperinstance/:id/tags/create", "tagging a supernode", HYPER],
  ["post", "/hyperinstance/:id/tags/delete", "untagging a supernode", HYPER],
  ["get", "/hyperinstance/:id/tags", "listing a supernode's tags", HYPER],
  ["post", "/hyperinstance/:id/live-scale-up", "scaling a supernode up", HYPER],
  ["post", "/hyperinstance/:id/live-scale-down", "scaling a supernode down", HYPER],
  ["get", "/hyperinstance/:id/scale-evaluations", "evaluating supernode scaling specs", HYPER],
];

/** The cloud-only Lite Server routes; registered before `/dev-servers/:id` so they win their paths. */
export function liteUnsupportedRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  for (const [method, path, what, why] of ROUTES) {
    router[method](`/v1/:project_id/dev-servers${path}`, deps.auth, () => {
      throw unsupported(what, why);
    });
  }
}
