import type { Core } from "../../core";
import type { ArtifactInfo } from "../../core/artifacts";
import type { RegistryCredential } from "../../core/registry-credentials";
import type { ServiceTemplate } from "../../core/services/model";
import { documentedOp, documentedStatus, editable, versionOf, type OteDeployment } from "./deploy-model";
import { unix } from "./envelope";
import { oteId } from "./ids";
import { labelOf } from "./selectors";

/** OTE's deployType word for a placement. */
export const deployTypeOf = (placement: ServiceTemplate["placement"]): "deployment" | "daemonset" =>
  placement === "per-node" ? "daemonset" : "deployment";

/** The app's main version `x.x`: its full version `<main>.<count>` without the counter. */
export const mainVersionOf = (version: string): string => version.replace(/\.\d+$/, "");

/** An app version: a core template in OTE's words. */
export function presentApp(core: Core, a: ServiceTemplate) {
  return {
    id: oteId(core, "app", a.id),
    appName: a.name,
    version: a.version,
    mainVersion: mainVersionOf(a.version),
    namespace: a.scope,
    deployType: deployTypeOf(a.placement),
    image: a.spec.image,
    command: a.spec.command,
    args: a.spec.args,
    envs: a.spec.env,
    ports: a.spec.ports.map((p) => ({ ...p, protocol: p.protocol.toUpperCase() })),
    replicas: a.replicas,
    cpu: a.spec.cpuMilli,
    memory: a.spec.memoryMiB,
    isHPA: a.autoscale.enabled,
    minReplicas: a.autoscale.minReplicas,
    maxReplicas: a.autoscale.maxReplicas,
    hpaCpu: a.autoscale.cpuTargetPercent,
    hpaMemory: a.autoscale.memoryTargetPercent,
    minReadySeconds: a.rollout.minReadySeconds,
    maxSurge: a.rollout.maxSurge,
    maxUnavailable: a.rollout.maxUnavailable,
    description: a.description,
    externalRepoId:
      a.spec.registryCredentialId === null ? null : oteId(core, "externalRepo", a.spec.registryCredentialId),
    userName: a.owner,
    createTime: unix(a.createdAt),
    updateTime: unix(a.updatedAt),
  };
}

/** A deployment; `fields` adds historyVersion and replicaList (or pods). */
export function presentDeployment(core: Core, d: OteDeployment, fields: readonly string[] = []) {
  const s = d.service;
  const version = versionOf(d);
  const out: Record<string, unknown> = {
    id: d.id,
    deployName: s.name,
    namespace: s.scope,
    appName: d.record.appName,
    appType: deployTypeOf(s.placement),
    version: version ?? "",
    targetVersion: d.record.pending?.version ?? version ?? "",
    deployType: documentedOp(d.record.lastOp),
    status: documentedStatus(d),
    editable: editable(d),
    clusterLabel: labelOf(s.targets.clusterLabel),
    cluster: labelOf(s.targets.clusterLabel),
    nodeLabel: labelOf(s.targets.nodeLabel),
    replicas: s.replicas,
    errorMessage: JSON.stringify(core.serviceController.health(s)),
    comment: d.record.comment,
    auditComment: d.record.auditComment,
    userName: s.owner,
    createTime: unix(s.createdAt),
    updateTime: unix(s.updatedAt),
  };
  if (fields.includes("historyVersion")) {
    out["historyVersion"] = d.record.log.map((h) => ({
      version: h.version,
      deployType: documentedOp(h.op),
      audit: h.audit,
      userName: h.by,
      comment: h.comment,
      auditComment: h.auditComment,
      createTime: unix(h.at),
    }));
  }
  if (fields.includes("replicaList") || fields.includes("pods")) {
    const versions = new Map(s.revisions.map((r) => [r.number, r.version]));
    out["replicaList"] = core.serviceController.replicas(s.id).map((r) => ({
      nodeName: core.nodes.findById(r.link.nodeId)?.name ?? r.link.nodeId,
      version: versions.get(r.link.revision) ?? "",
      state: r.task?.state ?? "pending",
      ready: r.ready,
      containerId: r.task?.containerId ?? null,
    }));
  }
  return out;
}

/** External repositories (core registry credentials) never show their password. */
export const presentExternal = (core: Core, r: RegistryCredential) => ({
  id: oteId(core, "externalRepo", r.id),
  name: r.name,
  address: r.address,
  username: r.username,
  userName: r.owner,
  createTime: unix(r.createdAt),
});

/** Helm charts are core artifacts of kind "helm-chart". */
export const CHART = "helm-chart";

export const presentChart = (core: Core, c: ArtifactInfo) => ({
  id: oteId(core, "chart", c.id),
  namespace: c.scope,
  name: c.name,
  version: c.version,
  fileName: c.fileName,
  sizeBytes: c.sizeBytes,
  owner: c.owner,
  createdAt: c.createdAt,
  createTime: unix(c.createdAt),
});
