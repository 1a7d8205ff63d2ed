import { useState, type FormEvent } from "react";
import { enc, patch, post } from "../api/client";
import { keys, useAction, useUsers } from "../api/queries";
import type { Me, User } from "../api/types";
import { Badge } from "../components/Badge";
import { ErrorText, Loading } from "../components/ErrorText";
import { Time } from "../components/Time";

function ResetPassword({ user, onDone }: { user: User; onDone: () => void }) {
  const [password, setPassword] = useState("");
  const reset = useAction(
    (p: string) => post(`/users/${enc(user.username)}/password`, { password: p }),
    [keys.users],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate(password, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} className="inline">
      <label htmlFor={`pw-${user.id}`}>New password for {user.username}</label>
      <input
        id={`pw-${user.id}`}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit">Set password</button>
      <ErrorText error={reset.error} />
    </form>
  );
}

/** Users (admin): create, make admin or not, disable or enable, reset a password. */
export function Users({ me }: { me: Me }) {
  const users = useUsers();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [admin, setAdmin] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const create = useAction((body: unknown) => post<User>("/users", body), [keys.users]);
  const change = useAction(
    ({ name, body }: { name: string; body: Partial<Pick<User, "admin" | "status">> }) =>
      patch<User>(`/users/${enc(name)}`, body),
    [keys.users],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { username, password, admin },
      {
        onSuccess: () => {
          setUsername("");
          setPassword("");
          setAdmin(false);
        },
      },
    );
  };
  return (
    <>
      <h1>Users</h1>
      <form className="card form" onSubmit={submit} aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="nu-username">New username</label>
            <input
              id="nu-username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="nu-password">Initial password</label>
            <input
              id="nu-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="field check">
            <input
              id="nu-admin"
              type="checkbox"
              checked={admin}
              onChange={(e) => setAdmin(e.target.checked)}
            />
            <label htmlFor="nu-admin">Admin</label>
          </div>
        </div>
        <ErrorText error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create user
        </button>
      </form>
      <ErrorText error={users.error ?? change.error} />
      {users.isPending ? (
        <Loading what="users" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => {
                const self = u.username === me.username;
                return (
                  <tr key={u.id}>
                    <td>{u.username}</td>
                    <td>{u.admin ? "admin" : "user"}</td>
                    <td>
                      <Badge value={u.status} />
                    </td>
                    <td>
                      <Time iso={u.createdAt} />
                    </td>
                    <td className="row-actions">
                      {!self && (
                        <button
                          type="button"
                          onClick={() => change.mutate({ name: u.username, body: { admin: !u.admin } })}
                          aria-label={`${u.admin ? "Remove admin from" : "Make admin"} ${u.username}`}
                        >
                          {u.admin ? "Remove admin" : "Make admin"}
                        </button>
                      )}
                      {!self && (
                        <button
                          type="button"
                          onClick={() =>
                            change.mutate({
                              name: u.username,
                              body: { status: u.status === "disabled" ? "active" : "disabled" },
                            })
                          }
                          aria-label={`${u.status === "disabled" ? "Enable" : "Disable"} ${u.username}`}
                        >
                          {u.status === "disabled" ? "Enable" : "Disable"}
                        </button>
                      )}
                      <button
                        type="button"
                        onClick={() => setResetting(resetting === u.id ? null : u.id)}
                        aria-label={`Reset password of ${u.username}`}
                      >
                        Reset password
                      </button>
                      {resetting === u.id && <ResetPassword user={u} onDone={() => setResetting(null)} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
