import { usePercent } from "../lib/quota-bars";

/** Used of total as a labelled bar (an ARIA meter), with the numbers in words beside it. */
export function Meter({
  label,
  used,
  total,
  text,
}: {
  label: string;
  used: number;
  total: number;
  text: string;
}) {
  const pct = usePercent(used, total);
  return (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      <div
        className="meter"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={used}
        aria-valuetext={text}
      >
        <div className={`meter-fill${pct >= 90 ? " meter-high" : ""}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="meter-text">{text}</span>
    </div>
  );
}
