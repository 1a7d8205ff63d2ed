import { useMemo, useState } from "react";
import { Link } from "wouter";
import { useNodes } from "../api/queries";
import type { Node } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { SortHeader } from "../components/SortHeader";
import { formatCores, formatMiB, formatPercent } from "../lib/format";
import { matchesQuery, nextSort, sortRows, type Sort } from "../lib/table";

type Key = "name" | "cluster" | "status" | "gpu" | "cpu" | "memory";

const value = (n: Node, k: Key): unknown =>
  k === "gpu"
    ? n.allocated.gpu
    : k === "cpu"
      ? (n.metrics?.cpuPercent ?? null)
      : k === "memory"
        ? (n.metrics?.memoryUsedMiB ?? null)
        : n[k];

/** Every node: filter by any word (name, cluster, status, label), sort by any column. */
export function Nodes() {
  const nodes = useNodes();
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<Sort<Key>>({ key: "name", dir: "asc" });
  const rows = useMemo(
    () =>
      sortRows(
        (nodes.data ?? []).filter((n) =>
          matchesQuery([n.name, n.cluster, n.status, n.schedulable ? "" : "cordoned", ...n.labels], query),
        ),
        sort,
        value,
      ),
    [nodes.data, query, sort],
  );
  if (nodes.isPending) return <Loading what="nodes" />;
  const onSort = (k: Key) => setSort((s) => nextSort(s, k));
  return (
    <>
      <h1>Nodes</h1>
      <ErrorText error={nodes.error} />
      <div className="toolbar">
        <label htmlFor="node-filter">Filter nodes</label>
        <input
          id="node-filter"
          type="search"
          placeholder="name, cluster, status or label"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Nodes ({rows.length})</caption>
          <thead>
            <tr>
              <SortHeader label="Name" k="name" sort={sort} onSort={onSort} />
              <SortHeader label="Cluster" k="cluster" sort={sort} onSort={onSort} />
              <SortHeader label="Status" k="status" sort={sort} onSort={onSort} />
              <th scope="col">Labels</th>
              <SortHeader label="GPUs used/total" k="gpu" sort={sort} onSort={onSort} />
              <SortHeader label="CPU use" k="cpu" sort={sort} onSort={onSort} />
              <SortHeader label="Memory use" k="memory" sort={sort} onSort={onSort} />
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.id}>
                <td>
                  <Link href={`/nodes/${encodeURIComponent(n.name)}`}>{n.name}</Link>
                </td>
                <td>{n.cluster}</td>
                <td>
                  <Badge value={n.status} /> {!n.schedulable && <Badge value="cordoned" />}
                </td>
                <td>
                  {n.labels.map((l) => (
                    <span key={l} className="label">
                      {l}
                    </span>
                  ))}
                </td>
                <td>
                  {n.allocated.gpu}/{n.capacity.gpu}
                </td>
                <td>
                  {formatPercent(n.metrics?.cpuPercent)} · {formatCores(n.allocated.cpuMilli)}/
                  {formatCores(n.capacity.cpuMilli)} cores
                </td>
                <td>
                  {formatMiB(n.metrics?.memoryUsedMiB)} / {formatMiB(n.capacity.memoryMiB)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="hint">No node matches.</p>}
    </>
  );
}
