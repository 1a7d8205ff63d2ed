import { useMemo, useState } from "react";
import { Link } from "wouter";
import { useWorkloads } from "../api/queries";
import type { Me, Workload } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { SortHeader } from "../components/SortHeader";
import { Time } from "../components/Time";
import { nextSort, sortRows, type Sort } from "../lib/table";

const STATES = ["pending", "running", "stopping", "succeeded", "failed", "stopped"];
type Key = "name" | "state" | "owner" | "quotaUnit" | "cluster" | "createdAt";

const distinct = (rows: readonly Workload[], pick: (w: Workload) => string | null) =>
  [...new Set(rows.map(pick).filter((v): v is string => v !== null))].sort();

/** Workloads (an ordinary user's own; an admin's all) filtered by state, owner, quota unit, cluster. */
export function Workloads({ me }: { me: Me }) {
  const workloads = useWorkloads();
  const [state, setState] = useState("");
  const [owner, setOwner] = useState("");
  const [unit, setUnit] = useState("");
  const [cluster, setCluster] = useState("");
  const [sort, setSort] = useState<Sort<Key>>({ key: "createdAt", dir: "desc" });
  const all = workloads.data ?? [];
  const rows = useMemo(
    () =>
      sortRows(
        all.filter(
          (w) =>
            (!state || w.state === state) &&
            (!owner || w.owner === owner) &&
            (!unit || w.quotaUnit === unit) &&
            (!cluster || w.cluster === cluster),
        ),
        sort,
        (w, k) => w[k],
      ),
    [all, state, owner, unit, cluster, sort],
  );
  if (workloads.isPending) return <Loading what="workloads" />;
  const onSort = (k: Key) => setSort((s) => nextSort(s, k));
  const select = (id: string, label: string, value: string, set: (v: string) => void, options: string[]) => (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => set(e.target.value)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <>
      <h1>{me.admin ? "Workloads" : "Your workloads"}</h1>
      <div className="actions">
        <Link href="/workloads/new" className="button primary">
          Submit a workload
        </Link>
      </div>
      <ErrorText error={workloads.error} />
      <div className="toolbar">
        {select("f-state", "State", state, setState, STATES)}
        {me.admin &&
          select(
            "f-owner",
            "Owner",
            owner,
            setOwner,
            distinct(all, (w) => w.owner),
          )}
        {select(
          "f-unit",
          "Quota unit",
          unit,
          setUnit,
          distinct(all, (w) => w.quotaUnit),
        )}
        {select(
          "f-cluster",
          "Cluster",
          cluster,
          setCluster,
          distinct(all, (w) => w.cluster),
        )}
      </div>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Workloads ({rows.length})</caption>
          <thead>
            <tr>
              <SortHeader label="Name" k="name" sort={sort} onSort={onSort} />
              <SortHeader label="State" k="state" sort={sort} onSort={onSort} />
              <SortHeader label="Owner" k="owner" sort={sort} onSort={onSort} />
              <SortHeader label="Quota unit" k="quotaUnit" sort={sort} onSort={onSort} />
              <SortHeader label="Cluster" k="cluster" sort={sort} onSort={onSort} />
              <th scope="col">Tasks</th>
              <SortHeader label="Created" k="createdAt" sort={sort} onSort={onSort} />
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link href={`/workloads/${w.id}`}>{w.name}</Link>
                </td>
                <td>
                  <Badge value={w.state} />
                </td>
                <td>{w.owner}</td>
                <td>{w.quotaUnit ?? "—"}</td>
                <td>{w.cluster ?? "any"}</td>
                <td>
                  {w.tasks.filter((t) => t.state === "running").length}/{w.tasks.length} running
                </td>
                <td>
                  <Time iso={w.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="hint">No workload matches.</p>}
    </>
  );
}
