import { useState } from "react";
import { usePools, useQuotaUnits } from "../api/queries";
import type { Me } from "../api/types";
import { ErrorText, Loading } from "../components/ErrorText";
import { QuotaBarView } from "../components/QuotaBarView";
import { QuotaEditor } from "../components/QuotaEditor";
import { formatCores, formatMiB } from "../lib/format";

const RESOURCES = [
  { key: "gpu", label: "GPU", format: (n: number) => String(n) },
  { key: "cpuMilli", label: "CPU", format: (n: number) => `${formatCores(n)} cores` },
  { key: "memoryMiB", label: "Memory", format: formatMiB },
] as const;

const KIND_WORDS: Record<string, string> = {
  project: "Project",
  department: "Department",
  "virtual-cluster": "Virtual cluster",
  business: "Business",
  workspace: "Workspace",
};

/**
 * Every quota unit (projects, departments, virtual clusters, businesses, workspaces): per node pool
 * and resource, what it holds against its deserved quota and its limit, drawn against the pool.
 */
export function Quota({ me }: { me: Me }) {
  const units = useQuotaUnits();
  const [editing, setEditing] = useState<string | null>(null);
  const pools = usePools();
  if (units.isPending) return <Loading what="quota units" />;
  const capacity = new Map((pools.data ?? []).map((p) => [p.name, p.capacity]));
  return (
    <>
      <h1>Quota units</h1>
      <p className="hint">
        Bars: filled is allocated (striped above the deserved quota: borrowed, preemptible); the thin mark is
        deserved, the dashed mark the fair share now, the thick mark the limit.
      </p>
      <ErrorText error={units.error} />
      {(units.data ?? []).length === 0 && <p className="hint">No quota units yet.</p>}
      <div className="grid wide">
        {(units.data ?? []).map((u) => (
          <section key={u.id} className="card" aria-labelledby={`unit-${u.id}`}>
            <h2 id={`unit-${u.id}`}>
              {u.name} <span className="hint">{KIND_WORDS[u.kind] ?? u.kind}</span>
            </h2>
            {u.parent && <p className="hint">in {u.parent}</p>}
            {u.pools.length === 0 && <p className="hint">No quota and no work in any pool.</p>}
            {u.pools.map((p) => (
              <div key={p.nodePool} className="pool">
                <h3>Pool {p.nodePool}</h3>
                {RESOURCES.map((r) => (
                  <QuotaBarView
                    key={r.key}
                    label={r.label}
                    q={p[r.key]}
                    capacity={capacity.get(p.nodePool)?.[r.key] ?? 0}
                    format={r.format}
                  />
                ))}
                {me.admin &&
                  (editing === `${u.id}/${p.nodePool}` ? (
                    <QuotaEditor unit={u} pool={p} onDone={() => setEditing(null)} />
                  ) : (
                    <button
                      type="button"
                      onClick={() => setEditing(`${u.id}/${p.nodePool}`)}
                      aria-label={`Edit quota of ${u.name} in pool ${p.nodePool}`}
                    >
                      Edit quota
                    </button>
                  ))}
              </div>
            ))}
          </section>
        ))}
      </div>
    </>
  );
}
