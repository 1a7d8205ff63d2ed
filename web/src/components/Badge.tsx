/** A state word with a colour class (ready/running green, failed red...), never colour alone. */
const TONE: Record<string, string> = {
  ready: "ok",
  running: "ok",
  succeeded: "ok",
  active: "ok",
  pending: "wait",
  assigned: "wait",
  starting: "wait",
  stopping: "wait",
  notready: "warn",
  cordoned: "warn",
  stopped: "muted",
  disabled: "muted",
  revoked: "muted",
  expired: "muted",
  down: "bad",
  failed: "bad",
  lost: "bad",
  Warning: "warn",
  Normal: "muted",
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${TONE[value] ?? "muted"}`}>{value}</span>;
}
