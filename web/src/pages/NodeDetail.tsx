import { useMemo, useState, type FormEvent } from "react";
import { Link } from "wouter";
import { del, enc, post } from "../api/client";
import { keys, useAction, useNode, useNodeMetrics, useWorkloads } from "../api/queries";
import type { Me, NodeSample } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";
import { TimeChart } from "../components/TimeChart";
import { formatCores, formatMiB, formatPercent } from "../lib/format";

/** One chart series per GPU (or MIG slice) from the node's samples. */
function gpuSeries(
  samples: readonly NodeSample[],
  uuids: readonly string[],
  pick: "utilizationPercent" | "temperatureC",
) {
  return uuids.map((uuid, i) => ({
    label: `GPU ${i}`,
    values: samples.map((s) => s.gpus.find((g) => g.uuid === uuid)?.[pick] ?? null),
  }));
}

/** A node: hardware, every GPU with its last hour, its tasks, and (admins) labels, cordon and drain. */
export function NodeDetail({ name, me }: { name: string; me: Me }) {
  const node = useNode(name);
  const metrics = useNodeMetrics(name);
  const workloads = useWorkloads();
  const [label, setLabel] = useState("");
  const path = `/nodes/${enc(name)}`;
  const refresh = [keys.node(name), keys.nodes];
  const cordon = useAction((on: boolean) => post(`${path}/${on ? "cordon" : "uncordon"}`), refresh);
  const drain = useAction(() => post(`${path}/drain`), [...refresh, keys.workloads]);
  const addLabel = useAction((l: string) => post(`${path}/labels`, { label: l }), refresh);
  const removeLabel = useAction((l: string) => del(`${path}/labels/${enc(l)}`), refresh);

  const samples = metrics.data ?? [];
  const times = useMemo(() => samples.map((s) => Date.parse(s.at) / 1000), [samples]);
  const gpus = node.data?.hardware?.gpus ?? [];
  // Whole GPUs with MIG on are shown with their slices; metrics come per physical GPU.
  const physical = gpus.filter((g) => g.parentUuid === null).map((g) => g.uuid);
  const util = useMemo(() => gpuSeries(samples, physical, "utilizationPercent"), [samples, physical.join()]);
  const temp = useMemo(() => gpuSeries(samples, physical, "temperatureC"), [samples, physical.join()]);

  if (node.isPending) return <Loading what={`node ${name}`} />;
  if (!node.data) return <ErrorText error={node.error} />;
  const n = node.data;
  const hw = n.hardware;
  const latest = new Map((n.metrics?.gpus ?? []).map((g) => [g.uuid, g]));
  const tasks = (workloads.data ?? []).flatMap((w) =>
    w.tasks.filter((t) => t.node === n.name).map((t) => ({ w, t })),
  );
  const submitLabel = (e: FormEvent) => {
    e.preventDefault();
    if (label.trim()) addLabel.mutate(label.trim(), { onSuccess: () => setLabel("") });
  };
  return (
    <>
      <p className="crumbs">
        <Link href="/nodes">Nodes</Link> /
      </p>
      <h1>
        {n.name} <Badge value={n.status} /> {!n.schedulable && <Badge value="cordoned" />}
      </h1>
      <ErrorText error={node.error ?? cordon.error ?? drain.error ?? addLabel.error ?? removeLabel.error} />
      {me.admin && (
        <div className="actions">
          {n.schedulable ? (
            <button type="button" onClick={() => cordon.mutate(true)} disabled={cordon.isPending}>
              Cordon
            </button>
          ) : (
            <button type="button" onClick={() => cordon.mutate(false)} disabled={cordon.isPending}>
              Uncordon
            </button>
          )}
          <button type="button" onClick={() => drain.mutate(undefined)} disabled={drain.isPending}>
            Drain
          </button>
        </div>
      )}
      <div className="grid">
        <section className="card" aria-label="Node facts">
          <h2>Node</h2>
          <dl>
            <dt>Cluster</dt>
            <dd>{n.cluster}</dd>
            <dt>Address</dt>
            <dd>{n.address || "—"}</dd>
            <dt>Agent</dt>
            <dd>{n.agentVersion}</dd>
            <dt>Last seen</dt>
            <dd>
              <Time iso={n.lastSeenAt} />
            </dd>
            <dt>Runtime</dt>
            <dd>
              {n.runtime ? `${n.runtime.name} ${n.runtime.version ?? ""}` : "—"}
              {n.runtime?.error ? ` (${n.runtime.error})` : ""}
            </dd>
          </dl>
        </section>
        <section className="card" aria-label="Hardware">
          <h2>Hardware</h2>
          <dl>
            <dt>CPU</dt>
            <dd>
              {hw?.cpu.brand ?? "—"}, {hw?.cpu.cores ?? 0} cores · {formatPercent(n.metrics?.cpuPercent)} used
              · {formatCores(n.allocated.cpuMilli)} allocated
            </dd>
            <dt>Memory</dt>
            <dd>
              {formatMiB(hw?.memory.totalMiB)} · {formatMiB(n.metrics?.memoryUsedMiB)} used ·{" "}
              {formatMiB(n.allocated.memoryMiB)} allocated
            </dd>
            <dt>OS</dt>
            <dd>{hw ? `${hw.os.distro} ${hw.os.release}, kernel ${hw.os.kernel} (${hw.os.arch})` : "—"}</dd>
            <dt>GPU driver</dt>
            <dd>
              {hw?.driverVersion ?? "—"}
              {hw?.cudaVersion ? `, CUDA ${hw.cudaVersion}` : ""}
              {hw?.gpuError ? ` (${hw.gpuError})` : ""}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="labels-title">
          <h2 id="labels-title">Labels</h2>
          <ul className="chips">
            {n.labels.length === 0 && <li className="hint">No labels.</li>}
            {n.labels.map((l) => (
              <li key={l} className="label">
                {l}
                {me.admin && (
                  <button
                    type="button"
                    className="chip-x"
                    aria-label={`Remove label ${l}`}
                    onClick={() => removeLabel.mutate(l)}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
          {me.admin && (
            <form onSubmit={submitLabel} className="inline">
              <label htmlFor="new-label">New label</label>
              <input
                id="new-label"
                value={label}
                onChange={(e) => setLabel(e.target.value)}
                placeholder="zone=a"
              />
              <button type="submit">Add label</button>
            </form>
          )}
        </section>
      </div>
      <h2>GPUs</h2>
      {gpus.length === 0 ? (
        <p className="hint">{hw?.gpuError ?? "No GPU on this node."}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">GPUs of {n.name}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Model</th>
                <th scope="col">Memory</th>
                <th scope="col">MIG</th>
                <th scope="col">Utilisation</th>
                <th scope="col">Temperature</th>
                <th scope="col">UUID</th>
              </tr>
            </thead>
            <tbody>
              {gpus.map((g) => {
                const m = latest.get(g.uuid) ?? (g.parentUuid ? latest.get(g.parentUuid) : undefined);
                return (
                  <tr key={g.uuid}>
                    <td>{g.parentUuid ? `↳ ${g.index}` : g.index}</td>
                    <td>{g.name}</td>
                    <td>{formatMiB(g.memoryMiB)}</td>
                    <td>{g.migProfile ?? (g.migEnabled ? "enabled" : "—")}</td>
                    <td>{formatPercent(m?.utilizationPercent)}</td>
                    <td>
                      {m?.temperatureC === null || m?.temperatureC === undefined
                        ? "—"
                        : `${m.temperatureC} °C`}
                    </td>
                    <td className="mono">{g.uuid}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {physical.length > 0 && (
        <div className="grid charts">
          <TimeChart title="GPU utilisation, last hour" times={times} series={util} unit="%" />
          <TimeChart title="GPU temperature, last hour" times={times} series={temp} unit="°C" />
        </div>
      )}
      <h2>Tasks on this node</h2>
      {tasks.length === 0 ? (
        <p className="hint">No tasks{me.admin ? "" : " of yours"} here.</p>
      ) : (
        <ul>
          {tasks.map(({ w, t }) => (
            <li key={t.id}>
              <Link href={`/workloads/${w.id}`}>{w.name}</Link> task {t.index} <Badge value={t.state} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
