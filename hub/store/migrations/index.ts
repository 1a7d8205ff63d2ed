/**
 * Every schema migration, by number. Each surface's issue adds its own file and one line here;
 * versions are applied by set (not by maximum), so numbers landing out of order still apply.
 * Never edit a released migration: add the next number.
 */
import { foundation } from "./001-foundation";
import { tenancy } from "./002-tenancy";
import { jobAttempts } from "./003-job-attempts";
import { runai } from "./004-runai";
import { otestack } from "./005-otestack";
import { openpaiAttempts } from "./006-openpai-attempts";
import { restartBackoff } from "./007-restart-backoff";
import { jobAttemptsCore } from "./008-job-attempts-core";
import { replicatedServices } from "./009-replicated-services";
import { quotaUnitFields } from "./010-quota-unit-fields";
import { interactive } from "./011-interactive";
import { taskMetrics } from "./012-task-metrics";
import { surfaceIdsOnly } from "./013-surface-ids";
import { userStatus } from "./014-user-status";
import { nodeJoinGuard } from "./015-node-join-guard";
import { images } from "./017-images";
import { hubRegistry } from "./019-hub-registry";
import { accessKeys } from "./016-access-keys";
import { jobTemplates } from "./018-job-templates";
import { nodeCertificates } from "./022-node-certificates";
import { tokenScopesAudit } from "./021-token-scopes-audit";
import { nodeReservations } from "./027-node-reservations";
import { appAuth } from "./023-app-auth";
import { poolRecords } from "./025-pool-records";
import { nodeTaints } from "./026-node-taints";
import { listOrderIndexes } from "./028-list-order-indexes";
import { inferenceModels } from "./024-inference-models";
import { taskStateCounts } from "./029-task-state-counts";
import { clusterTombstones } from "./032-cluster-tombstones";
import { nodeCertificateKeys } from "./033-node-certificate-keys";
import type { Migration } from "./migration";

export type { Migration } from "./migration";

export const MIGRATIONS: readonly Migration[] = [
  foundation,
  tenancy,
  jobAttempts,
  runai,
  otestack,
  openpaiAttempts,
  restartBackoff,
  jobAttemptsCore,
  replicatedServices,
  quotaUnitFields,
  interactive,
  taskMetrics,
  surfaceIdsOnly,
  userStatus,
  nodeJoinGuard,
  images,
  hubRegistry,
  accessKeys,
  jobTemplates,
  nodeCertificates,
  tokenScopesAudit,
  nodeReservations,
  appAuth,
  poolRecords,
  nodeTaints,
  listOrderIndexes,
  inferenceModels,
  taskStateCounts,
  clusterTombstones,
  nodeCertificateKeys,
];
