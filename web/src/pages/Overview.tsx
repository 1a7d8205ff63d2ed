import { Link } from "wouter";
import { useClusters, useEvents, useNodes, usePools, useWorkloads } from "../api/queries";
import type { Me, Node, Resources } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { Meter } from "../components/Meter";
import { Time } from "../components/Time";
import { formatCores, formatMiB } from "../lib/format";

const sum = (nodes: readonly Node[], pick: (n: Node) => Resources): Resources =>
  nodes.reduce(
    (a, n) => {
      const r = pick(n);
      return { cpuMilli: a.cpuMilli + r.cpuMilli, memoryMiB: a.memoryMiB + r.memoryMiB, gpu: a.gpu + r.gpu };
    },
    { cpuMilli: 0, memoryMiB: 0, gpu: 0 },
  );

/** CPU, memory and GPUs allocated of the total of `nodes`. */
function Capacity({ title, nodes }: { title: string; nodes: readonly Node[] }) {
  const total = sum(nodes, (n) => n.capacity);
  const used = sum(nodes, (n) => n.allocated);
  return (
    <section className="card" aria-label={title}>
      <h3>{title}</h3>
      <Meter label="GPU" used={used.gpu} total={total.gpu} text={`${used.gpu} / ${total.gpu}`} />
      <Meter
        label="CPU"
        used={used.cpuMilli}
        total={total.cpuMilli}
        text={`${formatCores(used.cpuMilli)} / ${formatCores(total.cpuMilli)} cores`}
      />
      <Meter
        label="Memory"
        used={used.memoryMiB}
        total={total.memoryMiB}
        text={`${formatMiB(used.memoryMiB)} / ${formatMiB(total.memoryMiB)}`}
      />
    </section>
  );
}

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  return (
    <section className="card" aria-label={title}>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="hint">None yet.</p>
      ) : (
        <ul className="counts">
          {entries.map(([k, v]) => (
            <li key={k}>
              <strong>{v}</strong> <Badge value={k} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const countBy = <T,>(rows: readonly T[], key: (r: T) => string) =>
  rows.reduce<Record<string, number>>((a, r) => ({ ...a, [key(r)]: (a[key(r)] ?? 0) + 1 }), {});

/** Capacity and use at a glance, live: nodes, workloads, per cluster and pool, recent events. */
export function Overview({ me }: { me: Me }) {
  const nodes = useNodes();
  const workloads = useWorkloads();
  const clusters = useClusters();
  const pools = usePools();
  const events = useEvents();
  if (nodes.isPending) return <Loading what="the overview" />;
  const all = nodes.data ?? [];
  return (
    <>
      <h1>Overview</h1>
      <ErrorText error={nodes.error ?? workloads.error} />
      <div className="grid">
        <Counts
          title="Nodes by status"
          counts={countBy(all, (n) => (n.schedulable ? n.status : `${n.status}, cordoned`))}
        />
        <Counts
          title={me.admin ? "Workloads by state" : "Your workloads by state"}
          counts={countBy(workloads.data ?? [], (w) => w.state)}
        />
        <Capacity title="All nodes" nodes={all} />
      </div>
      <h2>Clusters</h2>
      <div className="grid">
        {(clusters.data ?? []).map((c) => (
          <Capacity key={c.id} title={`Cluster ${c.name}`} nodes={all.filter((n) => n.cluster === c.name)} />
        ))}
      </div>
      <h2>Node pools</h2>
      <div className="grid">
        {(pools.data ?? []).map((p) => (
          <Capacity key={p.id} title={`Pool ${p.name}`} nodes={all.filter((n) => p.nodes.includes(n.name))} />
        ))}
      </div>
      <h2>Recent events</h2>
      {events.data && events.data.length > 0 ? (
        <ul className="events">
          {[...events.data].reverse().map((e) => (
            <li key={e.id}>
              <Time iso={e.at} /> <Badge value={e.type} /> <strong>{e.reason}</strong>{" "}
              <Link href={`/workloads/${e.workloadId}`}>{e.workload ?? e.workloadId.slice(0, 8)}</Link>:{" "}
              {e.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No events yet.</p>
      )}
    </>
  );
}
