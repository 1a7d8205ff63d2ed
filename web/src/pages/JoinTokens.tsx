import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { del, enc, get, post } from "../api/client";
import { keys, useAction, useTokens } from "../api/queries";
import type { JoinToken } from "../api/types";
import { Badge } from "../components/Badge";
import { CopyButton } from "../components/CopyButton";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";
import { installCommand } from "../lib/install-command";

/** Join tokens (admin): create one and copy the node's install command; list; revoke. */
export function JoinTokens() {
  const tokens = useTokens();
  const hub = useQuery({
    queryKey: ["hub"],
    queryFn: () => get<{ agentPort: number }>("/hub"),
    staleTime: Infinity,
  });
  const [description, setDescription] = useState("");
  const [ttlHours, setTtlHours] = useState("24");
  const [cluster, setCluster] = useState("");
  const [created, setCreated] = useState<JoinToken | null>(null);
  const create = useAction(
    (body: Record<string, unknown>) => post<JoinToken>("/join-tokens", body),
    [keys.tokens],
  );
  const revoke = useAction((id: string) => del(`/join-tokens/${enc(id)}`), [keys.tokens]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const hours = Number(ttlHours);
    create.mutate(
      {
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(ttlHours.trim()
          ? { ttlSeconds: Number.isFinite(hours) ? Math.round(hours * 3600) : ttlHours }
          : {}),
        ...(cluster.trim() ? { cluster: cluster.trim() } : {}),
      },
      { onSuccess: (t) => setCreated(t) },
    );
  };
  const command =
    created?.token && hub.data
      ? installCommand({
          hubHost: location.hostname,
          agentPort: hub.data.agentPort,
          token: created.token,
          cluster: created.cluster,
        })
      : null;
  return (
    <>
      <h1>Join tokens</h1>
      <form className="card form" onSubmit={submit} aria-labelledby="new-token-title">
        <h2 id="new-token-title">New join token</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="jt-description">Description</label>
            <input id="jt-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="jt-ttl">Valid for (hours)</label>
            <input
              id="jt-ttl"
              inputMode="decimal"
              value={ttlHours}
              onChange={(e) => setTtlHours(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="jt-cluster">Cluster</label>
            <input
              id="jt-cluster"
              value={cluster}
              onChange={(e) => setCluster(e.target.value)}
              placeholder="any"
            />
          </div>
        </div>
        <ErrorText error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {created && command && (
        <section className="card" aria-labelledby="install-title">
          <h2 id="install-title">Join a node with it</h2>
          <p>Run this on the new node (the token is shown only now):</p>
          <pre className="mono command" aria-label="Install command">
            {command}
          </pre>
          <CopyButton text={command} label="Copy install command" />
        </section>
      )}
      <h2>Tokens</h2>
      <ErrorText error={tokens.error ?? revoke.error} />
      {tokens.isPending ? (
        <Loading what="join tokens" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Join tokens</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Description</th>
                <th scope="col">Cluster</th>
                <th scope="col">State</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(tokens.data ?? []).map((t) => (
                <tr key={t.id}>
                  <td className="mono">{t.id.slice(0, 8)}</td>
                  <td>{t.description || "—"}</td>
                  <td>{t.cluster ?? "any"}</td>
                  <td>
                    <Badge value={t.valid ? "active" : t.revokedAt ? "revoked" : "expired"} />
                  </td>
                  <td>{t.expiresAt ? <Time iso={t.expiresAt} /> : "never"}</td>
                  <td>
                    <Time iso={t.lastUsedAt} />
                  </td>
                  <td>
                    {t.valid && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Revoke token ${t.id.slice(0, 8)}`}
                        onClick={() => revoke.mutate(t.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
