import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { enc, get, post } from "../api/client";
import { keys, live, useAction, useWorkload, useWorkloadEvents } from "../api/queries";
import type { Task } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { Terminal } from "../components/Terminal";
import { Time } from "../components/Time";
import { formatCores, formatDuration, formatMiB } from "../lib/format";
import { shellQuote } from "../lib/install-command";

const FINISHED = new Set(["succeeded", "failed", "stopped"]);

function Timeline({ t }: { t: Task }) {
  const ran = t.startedAt && t.finishedAt ? Date.parse(t.finishedAt) - Date.parse(t.startedAt) : null;
  return (
    <ol className="timeline" aria-label={`Timeline of task ${t.index}`}>
      <li>
        created <Time iso={t.createdAt} />
      </li>
      {t.startedAt && (
        <li>
          started <Time iso={t.startedAt} />
        </li>
      )}
      {t.finishedAt && (
        <li>
          finished <Time iso={t.finishedAt} /> {ran !== null && `after ${formatDuration(ran)}`}
        </li>
      )}
    </ol>
  );
}

/** The tail of one task's log, refreshed while the workload lives. */
function LogTail({ id, index, liveLog }: { id: string; index: number; liveLog: boolean }) {
  const logs = useQuery({
    queryKey: [...keys.workload(id), "logs", index],
    queryFn: () => get<string>(`/workloads/${enc(id)}/tasks/${index}/logs?tail=200`),
    ...live,
    refetchInterval: liveLog ? live.refetchInterval : false,
  });
  return (
    <>
      <ErrorText error={logs.error} />
      <pre className="log" aria-label={`Log of task ${index}`} tabIndex={0}>
        {logs.data === undefined ? "…" : logs.data || "(no output yet)"}
      </pre>
    </>
  );
}

/** A workload: its tasks (state, timeline, exit code, waiting reason), events, log, stop, ports, exec. */
export function WorkloadDetail({ id }: { id: string }) {
  const workload = useWorkload(id);
  const events = useWorkloadEvents(id);
  const [confirm, setConfirm] = useState(false);
  const [logTask, setLogTask] = useState(0);
  const [terminal, setTerminal] = useState<number | null>(null);
  const stop = useAction(() => post(`/workloads/${enc(id)}/stop`), [keys.workload(id), keys.workloads]);
  const [portError, setPortError] = useState<unknown>(null);
  const openPort = async (t: Task, port: number) => {
    setPortError(null);
    // Open the tab now (a popup must follow the click), then point it at the signed URL.
    const tab = window.open("about:blank", "_blank");
    try {
      const { url } = await post<{ url: string }>(`/workloads/${enc(id)}/tasks/${t.index}/ports/${port}/url`);
      if (tab) tab.location.href = url;
      else window.location.href = url;
    } catch (err) {
      tab?.close();
      setPortError(err);
    }
  };

  if (workload.isPending) return <Loading what="the workload" />;
  if (!workload.data) return <ErrorText error={workload.error} />;
  const w = workload.data;
  const finished = FINISHED.has(w.state);
  return (
    <>
      <p className="crumbs">
        <Link href="/workloads">Workloads</Link> /
      </p>
      <h1>
        {w.name} <Badge value={w.state} />
      </h1>
      <ErrorText error={workload.error ?? stop.error ?? portError} />
      {!finished && w.state !== "stopping" && (
        <div className="actions">
          {!confirm ? (
            <button type="button" className="danger" onClick={() => setConfirm(true)}>
              Stop
            </button>
          ) : (
            <>
              <span>Stop {w.name}? Its tasks get SIGTERM.</span>
              <button
                type="button"
                className="danger"
                onClick={() => stop.mutate(undefined, { onSettled: () => setConfirm(false) })}
              >
                Stop now
              </button>
              <button type="button" onClick={() => setConfirm(false)}>
                Cancel
              </button>
            </>
          )}
        </div>
      )}
      <section className="card" aria-label="Workload facts">
        <dl>
          <dt>Owner</dt>
          <dd>{w.owner}</dd>
          <dt>Kind</dt>
          <dd>{w.kind}</dd>
          <dt>Image</dt>
          <dd className="mono">{w.image}</dd>
          <dt>Command</dt>
          <dd className="mono">
            {w.command.length ? w.command.map(shellQuote).join(" ") : "(image default)"}
          </dd>
          <dt>Resources per task</dt>
          <dd>
            {w.resources
              ? `${formatCores(w.resources.cpuMilli)} cores, ${formatMiB(w.resources.memoryMiB)}, ${w.resources.gpu} GPU`
              : "—"}
          </dd>
          <dt>Quota unit</dt>
          <dd>
            {w.quotaUnit ?? "—"} {w.nodePool ? `(pool ${w.nodePool})` : ""} · priority {w.priority}
          </dd>
          <dt>Created</dt>
          <dd>
            <Time iso={w.createdAt} />
          </dd>
        </dl>
      </section>
      <h2>Tasks</h2>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Tasks of {w.name}</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">State</th>
              <th scope="col">Node</th>
              <th scope="col">Exit code</th>
              <th scope="col">Waiting reason / message</th>
              <th scope="col">Timeline</th>
              <th scope="col">Ports</th>
            </tr>
          </thead>
          <tbody>
            {w.tasks.map((t) => (
              <tr key={t.id}>
                <td>
                  {t.role} {t.index} (attempt {t.attempt})
                </td>
                <td>
                  <Badge value={t.state} />
                </td>
                <td>{t.node ? <Link href={`/nodes/${enc(t.node)}`}>{t.node}</Link> : "—"}</td>
                <td>{t.exitCode ?? "—"}</td>
                <td>{t.reason ?? t.message ?? "—"}</td>
                <td>
                  <Timeline t={t} />
                </td>
                <td>
                  {w.ports.length === 0
                    ? "—"
                    : w.ports.map((p) => (
                        <button
                          key={p.name}
                          type="button"
                          disabled={t.state !== "running"}
                          onClick={() => void openPort(t, p.containerPort)}
                        >
                          Open port {p.containerPort}
                        </button>
                      ))}
                  {t.state === "running" && (
                    <button type="button" onClick={() => setTerminal(terminal === t.index ? null : t.index)}>
                      {terminal === t.index ? "Hide terminal" : "Terminal"}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {terminal !== null && <Terminal workloadId={w.id} index={terminal} />}
      <h2>Log</h2>
      {w.tasks.length > 1 && (
        <div className="toolbar">
          <label htmlFor="log-task">Task</label>
          <select id="log-task" value={logTask} onChange={(e) => setLogTask(Number(e.target.value))}>
            {w.tasks.map((t) => (
              <option key={t.id} value={t.index}>
                {t.index}
              </option>
            ))}
          </select>
        </div>
      )}
      {w.tasks.some((t) => t.index === logTask && t.node) ? (
        <LogTail id={w.id} index={logTask} liveLog={!finished} />
      ) : (
        <p className="hint">No log until the task is placed on a node.</p>
      )}
      <h2>Events</h2>
      {(events.data ?? []).length === 0 ? (
        <p className="hint">No events.</p>
      ) : (
        <ul className="events">
          {[...(events.data ?? [])].reverse().map((e) => (
            <li key={e.id}>
              <Time iso={e.at} /> <Badge value={e.type} /> <strong>{e.reason}</strong>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
