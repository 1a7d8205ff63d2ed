import { ApiError } from "../api/client";

/** An API refusal (or any failure) as an alert line. */
export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

/** Loading / failed states of a query, or its content. */
export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}
