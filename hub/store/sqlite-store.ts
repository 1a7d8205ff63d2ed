import path from "node:path";
import type { Store } from "../core/repositories";
import { accessKeyRepository } from "./access-key-repository";
import {
  appApiRepository,
  appCodeRepository,
  appGrantRepository,
  appRepository,
} from "./app-auth-repositories";
import { artifactRepository } from "./artifact-repository";
import { imageRepository } from "./image-repository";
import { inferenceModelRepository, invocationCountRepository } from "./inference-model-repository";
import { auditRepository } from "./audit-repository";
import { clusterRepository } from "./cluster-repository";
import { openDatabase, type Db } from "./database";
import { eventRepository } from "./event-repository";
import { jobAttemptRepository } from "./job-attempt-repository";
import { jobTemplateRepository } from "./job-template-repository";
import { joinTokenRepository } from "./join-token-repository";
import { nodeCertificateRepository } from "./node-certificate-repository";
import { nodeRepository } from "./node-repository";
import { preemptionRepository, projectMetricsRepository } from "./runai-repositories";
import { registryCredentialRepository } from "./registry-credential-repository";
import { registryAccountRepository, registryProjectRepository } from "./hub-registry-repositories";
import { replicatedServiceRepository, serviceTemplateRepository } from "./service-repositories";
import { settingsRepository } from "./settings-repository";
import { surfaceIdRepository } from "./surface-id-repository";
import { taskRepository } from "./task-repository";
import { taskMetricsRepository } from "./task-metrics-repository";
import { groupRepository, nodePoolRepository, quotaUnitRepository } from "./tenancy-repositories";
import { tokenRepository } from "./token-repository";
import { userRepository } from "./user-repository";
import { clusterRecordRepository } from "./cluster-record-repository";
import { workloadRepository } from "./workload-repository";
import { nodeReservationRepository } from "./node-reservation-repository";

/** The embedded store: one SQLite file `corral.db` in the data directory (or ":memory:"). */
export function openSqliteStore(dataDir: string | ":memory:"): Store & { db: Db } {
  const db = openDatabase(dataDir === ":memory:" ? ":memory:" : path.join(dataDir, "corral.db"));
  const ping = db.prepare("SELECT 1 AS ok");
  return {
    db,
    users: userRepository(db),
    tokens: tokenRepository(db),
    audit: auditRepository(db),
    joinTokens: joinTokenRepository(db),
    nodeCertificates: nodeCertificateRepository(db),
    clusters: clusterRepository(db),
    nodes: nodeRepository(db),
    workloads: workloadRepository(db),
    tasks: taskRepository(db),
    events: eventRepository(db),
    settings: settingsRepository(db),
    nodePools: nodePoolRepository(db),
    clusterRecords: clusterRecordRepository(db),
    quotaUnits: quotaUnitRepository(db),
    groups: groupRepository(db),
    preemptions: preemptionRepository(db),
    projectMetrics: projectMetricsRepository(db),
    jobAttempts: jobAttemptRepository(db),
    taskMetrics: taskMetricsRepository(db),
    serviceTemplates: serviceTemplateRepository(db),
    replicatedServices: replicatedServiceRepository(db),
    registryCredentials: registryCredentialRepository(db),
    registryAccounts: registryAccountRepository(db),
    registryProjects: registryProjectRepository(db),
    accessKeys: accessKeyRepository(db),
    apps: appRepository(db),
    appCodes: appCodeRepository(db),
    appApis: appApiRepository(db),
    appGrants: appGrantRepository(db),
    artifacts: artifactRepository(db),
    surfaceIds: surfaceIdRepository(db),
    images: imageRepository(db),
    jobTemplates: jobTemplateRepository(db),
    nodeReservations: nodeReservationRepository(db),
    inferenceModels: inferenceModelRepository(db),
    invocationCounts: invocationCountRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    ping: () => {
      try {
        return (ping.get() as { ok: number }).ok === 1;
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
}
