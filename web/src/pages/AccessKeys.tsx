import { useState, type FormEvent } from "react";
import { del, enc, post } from "../api/client";
import { keys, useAccessKeys, useAction } from "../api/queries";
import type { AccessKey, Me } from "../api/types";
import { Badge } from "../components/Badge";
import { CopyButton } from "../components/CopyButton";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";

/**
 * Access keys (AK/SK) for Huawei Cloud SDK clients (ModelArts): create one (the secret is shown
 * only then), list them (an admin sees every user's), delete one. Everyone manages their own.
 */
export function AccessKeys({ me }: { me: Me }) {
  const list = useAccessKeys();
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<AccessKey | null>(null);
  const create = useAction(
    (body: Record<string, unknown>) => post<AccessKey>("/access-keys", body),
    [keys.accessKeys],
  );
  const remove = useAction((id: string) => del(`/access-keys/${enc(id)}`), [keys.accessKeys]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(description.trim() ? { description: description.trim() } : {}, {
      onSuccess: (k) => setCreated(k),
    });
  };
  return (
    <>
      <h1>Access keys</h1>
      <form className="card form" onSubmit={submit} aria-labelledby="new-key-title">
        <h2 id="new-key-title">New access key</h2>
        <div className="field">
          <label htmlFor="ak-description">Description</label>
          <input id="ak-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <ErrorText error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create access key
        </button>
      </form>
      {created?.secret && (
        <section className="card" aria-labelledby="secret-title">
          <h2 id="secret-title">Your new key</h2>
          <p>Keep the secret now: it is shown only this once.</p>
          <pre className="mono command" aria-label="Access key and secret">
            {`AK=${created.id}\nSK=${created.secret}`}
          </pre>
          <CopyButton text={`${created.id}\n${created.secret}`} label="Copy access key and secret" />
        </section>
      )}
      <h2>{me.admin ? "Every user's keys" : "Your keys"}</h2>
      <ErrorText error={list.error ?? remove.error} />
      {list.isPending ? (
        <Loading what="access keys" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Access keys</caption>
            <thead>
              <tr>
                <th scope="col">Access key</th>
                <th scope="col">User</th>
                <th scope="col">Description</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((k) => (
                <tr key={k.id}>
                  <td className="mono">{k.id}</td>
                  <td>{k.username ?? "—"}</td>
                  <td>{k.description || "—"}</td>
                  <td>
                    <Badge value={k.status.toLowerCase()} />
                  </td>
                  <td>
                    <Time iso={k.createdAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete access key ${k.id}`}
                      onClick={() => remove.mutate(k.id)}
                    >
                      Delete
                    </button>
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
