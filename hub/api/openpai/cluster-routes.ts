import type Router from "@koa/router";
import type { Core } from "../../core";
import { nodeCapacity } from "../../core/capacity";
import { PLACED_TASK_STATES } from "../../core/model";
import type { ApiState } from "../context";
import type { Access } from "./access";
import { paiAuth } from "./auth";
import { PaiError } from "./errors";

/**
 * Cluster views shaped like the Kubernetes lists the rest-server relays (admin only): nodes from
 * the agents' inventory, pods from placed tasks. Storage: this hub has no storage servers, so the
 * list is empty and every name is 404 NoStorageError.
 */
export function clusterRoutes(router: Router<ApiState>, core: Core, access: Access): void {
  const token = paiAuth(core, access, "token");
  const admin = paiAuth(core, access, "admin");

  router.get(["/api/v1/kubernetes/nodes", "/api/v2/kubernetes/nodes"], admin, (ctx) => {
    ctx.body = {
      kind: "NodeList",
      apiVersion: "v1",
      items: core.nodes.list().map((n) => {
        const c = nodeCapacity(n);
        const capacity = {
          cpu: String(c.cpuMilli / 1000),
          memory: `${c.memoryMiB}Mi`,
          "nvidia.com/gpu": String(c.gpu),
        };
        return {
          metadata: {
            name: n.name,
            uid: n.id,
            labels: Object.fromEntries(
              n.labels.map((l) => l.split("=", 2) as [string, string]).map(([k, v]) => [k, v ?? ""]),
            ),
          },
          spec: { unschedulable: !n.schedulable },
          status: {
            capacity,
            allocatable: capacity,
            addresses: [
              { type: "InternalIP", address: n.address },
              { type: "Hostname", address: n.name },
            ],
            conditions: [
              {
                type: "Ready",
                status: n.status === "ready" ? "True" : "False",
                lastTransitionTime: new Date(n.statusChangedAt).toISOString(),
              },
            ],
          },
        };
      }),
    };
  });
  router.get(["/api/v1/kubernetes/pods", "/api/v2/kubernetes/pods"], admin, (ctx) => {
    const items = [];
    for (const w of core.workloads.list({ states: ["pending", "running", "stopping"] })) {
      for (const t of core.workloads.tasks(w.id)) {
        if (!PLACED_TASK_STATES.has(t.state)) continue;
        const node = t.nodeId ? core.nodes.findById(t.nodeId) : undefined;
        const role = w.roles.find((r) => r.name === t.role);
        items.push({
          metadata: {
            name: `${w.name}-${t.role}-${t.index}`,
            namespace: "default",
            uid: t.id,
            labels: { userName: w.owner, jobName: w.name, taskRole: t.role, taskIndex: String(t.index) },
          },
          spec: {
            nodeName: node?.name ?? null,
            containers: [
              {
                name: t.role,
                image: role?.image,
                resources: {
                  limits: {
                    cpu: String((role?.resources.cpuMilli ?? 0) / 1000),
                    memory: `${role?.resources.memoryMiB ?? 0}Mi`,
                    "nvidia.com/gpu": String(role?.resources.gpu ?? 0),
                  },
                },
              },
            ],
          },
          status: {
            phase: t.state === "running" ? "Running" : "Pending",
            hostIP: node?.address ?? null,
            podIP: t.ip,
          },
        });
      }
    }
    ctx.body = { kind: "PodList", apiVersion: "v1", items };
  });

  router.get("/api/v2/storages", token, (ctx) => {
    ctx.body = { storages: [] };
  });
  router.get(
    ["/api/v2/storages/:name", "/api/v2/storage/config/:name", "/api/v2/storage/server/:name"],
    token,
    (ctx) => {
      throw new PaiError(404, "NoStorageError", `Storage ${ctx.params.name} is not found.`);
    },
  );
  router.get(["/api/v2/storage/config", "/api/v2/storage/server"], token, (ctx) => {
    ctx.body = [];
  });
  router.get("/api/v2/alerts", token, (ctx) => {
    ctx.body = [];
  });
}
