import type { Migration } from "./migration";

/**
 * Replicated services in core tables: templates, services (revisions, history and surface records
 * kept as JSON on the row), registry credentials (password sealed), artifacts, and stable integer
 * ids per surface key. The OTE-stack rows of migration 005 move into them, so an upgraded hub
 * keeps its apps, deployments, external repositories and charts under the same OTE integer ids:
 * - each ote_* row gets a new object id, and its old integer in surface_ids (`otestack/<kind>`);
 *   the sequences continue from sqlite_sequence, so no OTE id is handed out twice;
 * - a deployment's approved create / upgrade / rollback versions become its revisions (numbered
 *   in the order first run), copied from their app versions; its audit trail stays OTE's record
 *   in extension.otestack;
 * - live replica workloads get their `replicaOf` link and pull-secret names the new credential ids.
 */
export const replicatedServices: Migration = {
  version: 9,
  name: "replicated-services",
  sql: `
    CREATE TABLE surface_ids (
      key TEXT NOT NULL,
      id INTEGER NOT NULL,
      object_id TEXT NOT NULL,
      PRIMARY KEY (key, id),
      UNIQUE (key, object_id)
    );
    CREATE TABLE surface_id_sequences (
      key TEXT PRIMARY KEY,
      last INTEGER NOT NULL
    );

    CREATE TABLE registry_credentials (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      address TEXT NOT NULL,
      username TEXT NOT NULL,
      password_sealed TEXT NOT NULL,
      owner TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );

    CREATE TABLE artifacts (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      scope TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      file_name TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      content BLOB NOT NULL,
      owner TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (kind, scope, name, version)
    );

    CREATE TABLE service_templates (
      id TEXT PRIMARY KEY,
      scope TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (scope, name, version)
    );

    CREATE TABLE replicated_services (
      id TEXT PRIMARY KEY,
      scope TEXT NOT NULL,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      deleted_at INTEGER,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX replicated_services_name ON replicated_services(scope, name);

    -- OTE-stack's rows, under their old integers.
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'otestack/app', id, lower(hex(randomblob(16))) FROM ote_apps;
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'otestack/deployment', id, lower(hex(randomblob(16))) FROM ote_deployments;
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'otestack/external-repo', id, lower(hex(randomblob(16))) FROM ote_external_repos;
    INSERT INTO surface_ids (key, id, object_id)
      SELECT 'otestack/chart', id, lower(hex(randomblob(16))) FROM ote_charts;
    INSERT INTO surface_id_sequences (key, last)
      SELECT CASE name
               WHEN 'ote_apps' THEN 'otestack/app'
               WHEN 'ote_deployments' THEN 'otestack/deployment'
               WHEN 'ote_external_repos' THEN 'otestack/external-repo'
               ELSE 'otestack/chart'
             END, seq
      FROM sqlite_sequence
      WHERE name IN ('ote_apps', 'ote_deployments', 'ote_external_repos', 'ote_charts');

    INSERT INTO registry_credentials (id, name, address, username, password_sealed, owner, created_at)
      SELECT s.object_id, r.name, r.address, r.username, r.password_sealed, r.owner, r.created_at
      FROM ote_external_repos r JOIN surface_ids s ON s.key = 'otestack/external-repo' AND s.id = r.id;

    INSERT INTO artifacts (id, kind, scope, name, version, file_name, size_bytes, content, owner, created_at)
      SELECT s.object_id, 'helm-chart', c.namespace, c.name, c.version, c.file_name, c.size_bytes,
             c.content, c.owner, c.created_at
      FROM ote_charts c JOIN surface_ids s ON s.key = 'otestack/chart' AND s.id = c.id;

    INSERT INTO service_templates (id, scope, name, version, body, created_at)
      SELECT s.object_id, a.namespace, a.name, a.version, json_object(
          'placement', CASE json_extract(a.body, '$.kind') WHEN 'daemonset' THEN 'per-node' ELSE 'spread' END,
          'replicas', json_extract(a.body, '$.replicas'),
          'spec', json_object(
            'image', json_extract(a.body, '$.image'),
            'command', json(json_extract(a.body, '$.command')),
            'args', json(json_extract(a.body, '$.args')),
            'env', json(json_extract(a.body, '$.env')),
            'ports', json(json_extract(a.body, '$.ports')),
            'cpuMilli', json_extract(a.body, '$.cpu'),
            'memoryMiB', json_extract(a.body, '$.memory'),
            'registryCredentialId', (
              SELECT r.object_id FROM surface_ids r
              WHERE r.key = 'otestack/external-repo' AND r.id = json_extract(a.body, '$.externalRepoId'))),
          'rollout', json_object(
            'maxSurge', json_extract(a.body, '$.maxSurge'),
            'maxUnavailable', json_extract(a.body, '$.maxUnavailable'),
            'minReadySeconds', json_extract(a.body, '$.minReadySeconds')),
          'autoscale', json_object(
            'enabled', json(CASE WHEN json_extract(a.body, '$.isHPA') THEN 'true' ELSE 'false' END),
            'minReplicas', json_extract(a.body, '$.minReplicas'),
            'maxReplicas', json_extract(a.body, '$.maxReplicas'),
            'cpuTargetPercent', json_extract(a.body, '$.hpaCpuTarget'),
            'memoryTargetPercent', json_extract(a.body, '$.hpaMemoryTarget')),
          'description', json_extract(a.body, '$.description'),
          'owner', json_extract(a.body, '$.owner'),
          'updatedAt', json_extract(a.body, '$.updatedAt')),
        a.created_at
      FROM ote_apps a JOIN surface_ids s ON s.key = 'otestack/app' AND s.id = a.id;

    -- Approved create (0) / upgrade (1) / rollback (2) entries of each deployment's history.
    CREATE TEMP TABLE migrated_runs AS
      SELECT d.id AS deploy_id, h.key AS pos, json_extract(h.value, '$.op') AS op,
             json_extract(h.value, '$.version') AS version, json_extract(h.value, '$.by') AS by_user,
             json_extract(h.value, '$.at') AS at
      FROM ote_deployments d, json_each(d.body, '$.history') h
      WHERE json_extract(h.value, '$.op') IN (0, 1, 2)
        AND json_extract(h.value, '$.audit') IN ('approved', 'auto');
    -- One revision per version first run, numbered in that order, with its app version's recipe.
    CREATE TEMP TABLE migrated_revisions AS
      SELECT f.deploy_id, f.version, ROW_NUMBER() OVER (PARTITION BY f.deploy_id ORDER BY f.pos) AS number,
             json_object(
               'number', ROW_NUMBER() OVER (PARTITION BY f.deploy_id ORDER BY f.pos),
               'version', f.version,
               'templateId', t.id,
               'spec', json(json_extract(t.body, '$.spec')),
               'rollout', json(json_extract(t.body, '$.rollout')),
               'autoscale', json(json_extract(t.body, '$.autoscale')),
               'createdAt', r.at,
               'createdBy', r.by_user) AS body
      FROM (SELECT deploy_id, version, MIN(pos) AS pos FROM temp.migrated_runs GROUP BY deploy_id, version) f
      JOIN temp.migrated_runs r ON r.deploy_id = f.deploy_id AND r.pos = f.pos
      JOIN ote_deployments d ON d.id = f.deploy_id
      JOIN service_templates t
        ON t.scope = d.namespace AND t.name = json_extract(d.body, '$.appName') AND t.version = f.version;

    INSERT INTO replicated_services (id, scope, name, body, deleted_at, created_at)
      SELECT s.object_id, d.namespace, d.name, json_object(
          'owner', json_extract(d.body, '$.owner'),
          'placement', CASE json_extract(d.body, '$.kind') WHEN 'daemonset' THEN 'per-node' ELSE 'spread' END,
          'targets', json_object(
            'clusterLabel', NULLIF(json_extract(d.body, '$.clusterLabel'), 'all'),
            'nodeLabel', NULLIF(json_extract(d.body, '$.nodeLabel'), 'all')),
          'replicas', json_extract(d.body, '$.replicas'),
          'quotaUnitId', (
            SELECT u.id FROM quota_units u
            WHERE u.kind = 'business' AND json_extract(u.meta, '$.namespace') = d.namespace LIMIT 1),
          'revisions', json((
            SELECT json_group_array(json(v.body))
            FROM (SELECT body FROM temp.migrated_revisions WHERE deploy_id = d.id ORDER BY number) v)),
          'current', (
            SELECT v.number FROM temp.migrated_revisions v
            WHERE v.deploy_id = d.id AND v.version = json_extract(d.body, '$.version')),
          'history', json((
            SELECT json_group_array(json_object(
                'revision', v.number,
                'cause', CASE r.op WHEN 0 THEN 'start' WHEN 1 THEN 'update' ELSE 'rollback' END,
                'by', r.by_user,
                'at', r.at))
            FROM (SELECT * FROM temp.migrated_runs WHERE deploy_id = d.id ORDER BY pos) r
            JOIN temp.migrated_revisions v ON v.deploy_id = r.deploy_id AND v.version = r.version)),
          'status', CASE
              WHEN d.deleted_at IS NOT NULL OR json_extract(d.body, '$.version') IS NULL THEN 'stopped'
              WHEN json_extract(d.body, '$.status') = 3 THEN 'available'
              WHEN json_extract(d.body, '$.status') = 4 THEN 'failed'
              ELSE 'progressing'
            END,
          'extension', json_object('otestack', json_object(
            'appName', json_extract(d.body, '$.appName'),
            'pending', json(json_extract(d.body, '$.pending')),
            'lastOp', json_extract(d.body, '$.lastOp'),
            'comment', json_extract(d.body, '$.comment'),
            'auditComment', json_extract(d.body, '$.auditComment'),
            'log', json(json_extract(d.body, '$.history')))),
          'updatedAt', json_extract(d.body, '$.updatedAt')),
        d.deleted_at, d.created_at
      FROM ote_deployments d JOIN surface_ids s ON s.key = 'otestack/deployment' AND s.id = d.id;

    -- Live replicas keep running: they point at their service and revision (0: none, retired).
    UPDATE workloads SET meta = json_set(json_remove(meta, '$.otestack'), '$.replicaOf', json_object(
        'serviceId', (
          SELECT s.object_id FROM surface_ids s
          WHERE s.key = 'otestack/deployment' AND s.id = json_extract(workloads.meta, '$.otestack.deployId')),
        'revision', COALESCE((
          SELECT v.number FROM temp.migrated_revisions v
          WHERE v.deploy_id = json_extract(workloads.meta, '$.otestack.deployId')
            AND v.version = json_extract(workloads.meta, '$.otestack.version')), 0),
        'nodeId', json_extract(meta, '$.otestack.nodeId'),
        'minReadySeconds', json_extract(meta, '$.otestack.minReadySeconds')))
      WHERE json_extract(meta, '$.otestack.deployId') IS NOT NULL;
    UPDATE workloads SET roles = (
        SELECT json_group_array(CASE
            WHEN json_extract(r.value, '$.pullSecret') LIKE 'otestack/external-repo/%'
            THEN json_set(r.value, '$.pullSecret', 'registry-credential/' || (
              SELECT s.object_id FROM surface_ids s
              WHERE s.key = 'otestack/external-repo'
                AND s.id = CAST(substr(json_extract(r.value, '$.pullSecret'), 24) AS INTEGER)))
            ELSE json(r.value)
          END)
        FROM json_each(workloads.roles) r)
      WHERE roles LIKE '%otestack/external-repo/%';

    DROP TABLE temp.migrated_revisions;
    DROP TABLE temp.migrated_runs;
    DROP TABLE ote_charts;
    DROP TABLE ote_external_repos;
    DROP TABLE ote_deployments;
    DROP TABLE ote_apps;
  `,
};
