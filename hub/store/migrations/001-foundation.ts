import type { Migration } from "./migration";

/** Users, tokens, join tokens, clusters, nodes and their metrics, workloads, tasks, events. */
export const foundation: Migration = {
  version: 1,
  name: "foundation",
  sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        admin INTEGER NOT NULL DEFAULT 0,
        email TEXT NOT NULL DEFAULT '',
        extension TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('login', 'application')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX tokens_user ON tokens(user_id);

      CREATE TABLE join_tokens (
        id TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT '',
        cluster TEXT,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      );

      CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        labels TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL
      );

      CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        cluster_id TEXT NOT NULL REFERENCES clusters(id),
        labels TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL CHECK (status IN ('ready', 'notready', 'down')),
        schedulable INTEGER NOT NULL DEFAULT 1,
        agent_version TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        hardware TEXT,
        runtime TEXT,
        credential_hash TEXT NOT NULL,
        last_seen_at INTEGER,
        status_changed_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        metrics TEXT,
        UNIQUE (cluster_id, name)
      );

      CREATE TABLE node_metrics (
        node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        sample TEXT NOT NULL
      );
      CREATE INDEX node_metrics_node_at ON node_metrics(node_id, at);

      CREATE TABLE workloads (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        kind TEXT NOT NULL,
        cluster_id TEXT REFERENCES clusters(id),
        node_selector TEXT NOT NULL DEFAULT '[]',
        roles TEXT NOT NULL,
        gang INTEGER NOT NULL DEFAULT 0,
        disconnect_timeout_sec INTEGER NOT NULL,
        stop_grace_sec INTEGER NOT NULL,
        state TEXT NOT NULL,
        ending TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX workloads_owner_name ON workloads(owner, name);
      CREATE INDEX workloads_state ON workloads(state);

      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        idx INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        node_id TEXT REFERENCES nodes(id),
        gpu_uuids TEXT NOT NULL DEFAULT '[]',
        container_id TEXT,
        ip TEXT,
        ports TEXT NOT NULL DEFAULT '[]',
        exit_code INTEGER,
        message TEXT,
        reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        UNIQUE (workload_id, role, idx)
      );
      CREATE INDEX tasks_state ON tasks(state);
      CREATE INDEX tasks_node ON tasks(node_id, state);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
        task_id TEXT,
        type TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX events_workload ON events(workload_id, id);
    `,
};
