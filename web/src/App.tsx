import { Link, Route, Switch, useLocation } from "wouter";
import { ApiError, del } from "./api/client";
import { useMe } from "./api/queries";
import type { Me } from "./api/types";
import { Loading } from "./components/ErrorText";
import { AccessKeys } from "./pages/AccessKeys";
import { Clusters } from "./pages/Clusters";
import { JoinTokens } from "./pages/JoinTokens";
import { NodeDetail } from "./pages/NodeDetail";
import { Nodes } from "./pages/Nodes";
import { Overview } from "./pages/Overview";
import { Quota } from "./pages/Quota";
import { SignIn } from "./pages/SignIn";
import { SubmitWorkload } from "./pages/SubmitWorkload";
import { Users } from "./pages/Users";
import { WorkloadDetail } from "./pages/WorkloadDetail";
import { Workloads } from "./pages/Workloads";

/** Signed in (the cookie's user) or the sign-in form; everything else needs a session. */
export function App() {
  const me = useMe();
  if (me.isPending) return <Loading what="your session" />;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <SignIn />;
    return (
      <main className="center">
        <p role="alert">The hub did not answer: {me.error.message}</p>
        <button type="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  return <Shell me={me.data} />;
}

const NAV: { href: string; label: string; admin?: boolean }[] = [
  { href: "/", label: "Overview" },
  { href: "/nodes", label: "Nodes" },
  { href: "/workloads", label: "Workloads" },
  { href: "/quota", label: "Quota" },
  { href: "/clusters", label: "Clusters" },
  { href: "/join-tokens", label: "Join tokens", admin: true },
  { href: "/access-keys", label: "Access keys" },
  { href: "/users", label: "Users", admin: true },
];

function Shell({ me }: { me: Me }) {
  const [location] = useLocation();
  // A fresh page after sign-out: nothing of the last user stays in memory.
  const signOut = async () => {
    try {
      await del("/session");
    } finally {
      window.location.assign("/");
    }
  };
  const current = (href: string) => (href === "/" ? location === "/" : location.startsWith(href));
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Corral
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || me.admin).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={current(n.href) ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.username}
            {me.admin ? " (admin)" : ""}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/">{() => <Overview me={me} />}</Route>
          <Route path="/nodes">{() => <Nodes />}</Route>
          <Route path="/nodes/:name">{(p) => <NodeDetail name={p.name} me={me} />}</Route>
          <Route path="/workloads">{() => <Workloads me={me} />}</Route>
          <Route path="/workloads/new">{() => <SubmitWorkload />}</Route>
          <Route path="/workloads/:id">{(p) => <WorkloadDetail id={p.id} />}</Route>
          <Route path="/quota">{() => <Quota me={me} />}</Route>
          <Route path="/clusters">{() => <Clusters me={me} />}</Route>
          <Route path="/join-tokens">{() => (me.admin ? <JoinTokens /> : <Forbidden />)}</Route>
          <Route path="/access-keys">{() => <AccessKeys me={me} />}</Route>
          <Route path="/users">{() => (me.admin ? <Users me={me} /> : <Forbidden />)}</Route>
          <Route>
            <h1>Not found</h1>
            <p>
              No page here. <Link href="/">Back to the overview</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}

function Forbidden() {
  return (
    <>
      <h1>Admins only</h1>
      <p>This page is for admins.</p>
    </>
  );
}
