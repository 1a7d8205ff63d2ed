import { useClusters, usePools } from "../api/queries";
import type { Me } from "../api/types";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";
import { formatCores, formatMiB } from "../lib/format";

/** Clusters with their labels and nodes, and node pools with their selectors and capacity. */
export function Clusters({ me }: { me: Me }) {
  const clusters = useClusters();
  const pools = usePools();
  if (clusters.isPending) return <Loading what="clusters" />;
  return (
    <>
      <h1>Clusters</h1>
      <ErrorText error={clusters.error ?? pools.error} />
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
                  {c.labels.length === 0
                    ? "—"
                    : c.labels.map((l) => (
                        <span key={l} className="label">
                          {l}
                        </span>
                      ))}
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
