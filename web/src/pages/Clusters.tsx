import { useState, type FormEvent } from "react";
import { del, enc, post } from "../api/client";
import { keys, useAction, useClusters, usePools } from "../api/queries";
import type { Me } from "../api/types";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";
import { formatCores, formatMiB } from "../lib/format";

/** Clusters with their labels and nodes, and node pools with their selectors and capacity. */
export function Clusters({ me }: { me: Me }) {
  const clusters = useClusters();
  const pools = usePools();
  const [label, setLabel] = useState<Record<string, string>>({});
  const addLabel = useAction(
    ({ cluster, l }: { cluster: string; l: string }) =>
      post(`/clusters/${enc(cluster)}/labels`, { label: l }),
    [keys.clusters],
  );
  const removeLabel = useAction(
    ({ cluster, l }: { cluster: string; l: string }) => del(`/clusters/${enc(cluster)}/labels/${enc(l)}`),
    [keys.clusters],
  );
  const submit = (cluster: string) => (e: FormEvent) => {
    e.preventDefault();
    const l = (label[cluster] ?? "").trim();
    if (l) addLabel.mutate({ cluster, l }, { onSuccess: () => setLabel((x) => ({ ...x, [cluster]: "" })) });
  };
  if (clusters.isPending) return <Loading what="clusters" />;
  return (
    <>
      <h1>Clusters</h1>
      <ErrorText error={clusters.error ?? pools.error ?? addLabel.error ?? removeLabel.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Clusters</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Labels</th>
              <th scope="col">Nodes ready/total</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {(clusters.data ?? []).map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>
                  {c.labels.length === 0 && !me.admin && "—"}
                  {c.labels.map((l) => (
                    <span key={l} className="label">
                      {l}
                      {me.admin && (
                        <button
                          type="button"
                          className="chip-x"
                          aria-label={`Remove label ${l} from ${c.name}`}
                          onClick={() => removeLabel.mutate({ cluster: c.name, l })}
                        >
                          ×
                        </button>
                      )}
                    </span>
                  ))}
                  {me.admin && (
                    <form className="inline" onSubmit={submit(c.name)}>
                      <label htmlFor={`cl-${c.id}`}>Label for {c.name}</label>
                      <input
                        id={`cl-${c.id}`}
                        value={label[c.name] ?? ""}
                        onChange={(e) => setLabel((x) => ({ ...x, [c.name]: e.target.value }))}
                        placeholder="site=berlin"
                      />
                      <button type="submit">Add</button>
                    </form>
                  )}
                </td>
                <td>
                  {c.readyNodeCount}/{c.nodeCount}
                </td>
                <td>
                  <Time iso={c.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Node pools</h2>
      <p className="hint">
        A node with every label of a pool's selector is in the oldest such pool; default holds the rest.
        {me.admin ? " Create and change pools with corral nodepool." : ""}
      </p>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Node pools</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Selector</th>
              <th scope="col">Nodes</th>
              <th scope="col">Capacity</th>
            </tr>
          </thead>
          <tbody>
            {(pools.data ?? []).map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>
                  {p.labelSelector.length === 0
                    ? "(the rest)"
                    : p.labelSelector.map((l) => (
                        <span key={l} className="label">
                          {l}
                        </span>
                      ))}
                </td>
                <td>{p.nodes.join(", ") || "—"}</td>
                <td>
                  {p.capacity.gpu} GPU, {formatCores(p.capacity.cpuMilli)} cores,{" "}
                  {formatMiB(p.capacity.memoryMiB)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
