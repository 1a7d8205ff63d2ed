import { quotaBar, type QuotaNumbers } from "../lib/quota-bars";

/**
 * One unit's use of one resource in one pool: the filled part is what it holds (the part above
 * its deserved quota drawn as borrowed), a marker at deserved and one at the limit.
 */
export function QuotaBarView({
  label,
  q,
  capacity,
  format,
}: {
  label: string;
  q: QuotaNumbers;
  capacity: number;
  format: (n: number) => string;
}) {
  const bar = quotaBar(q, capacity);
  const text = `${format(q.allocated)} allocated, ${format(q.deserved)} deserved, limit ${
    q.limit === null ? "none" : format(q.limit)
  }${q.fairShare === undefined ? "" : `, fair share ${format(q.fairShare)}`}`;
  return (
    <div className="quota-row">
      <span className="meter-label">{label}</span>
      <div className="quota-track" role="img" aria-label={`${label}: ${text}`}>
        <div className="quota-fill" style={{ width: `${bar.allocatedPct - bar.overPct}%` }} />
        {bar.overPct > 0 && (
          <div className="quota-over" style={{ left: `${bar.deservedPct}%`, width: `${bar.overPct}%` }} />
        )}
        <div className="quota-mark quota-deserved" style={{ left: `${bar.deservedPct}%` }} />
        {bar.fairSharePct !== null && (
          <div className="quota-mark quota-fair" style={{ left: `${bar.fairSharePct}%` }} />
        )}
        {bar.limitPct !== null && (
          <div className="quota-mark quota-limit" style={{ left: `${bar.limitPct}%` }} />
        )}
      </div>
      <span className="meter-text">
        {text}
        {bar.atLimit ? " (at limit)" : bar.over ? " (over quota)" : ""}
      </span>
    </div>
  );
}
