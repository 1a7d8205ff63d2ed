import { useEffect, useState } from "react";
import { localTime, relativeTime } from "../lib/format";

/** The current time, re-read every `everyMs` (relative times stay true without a refresh). */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** "5 minutes ago", with the local date and time as its tooltip and machine-readable value. */
export function Time({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={localTime(iso)}>
      {relativeTime(Date.parse(iso), now)}
    </time>
  );
}
