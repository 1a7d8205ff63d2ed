import { ValidationError } from "../../core/errors";

/** One term of a Kubernetes equality-based label selector. */
type Term = { op: "=" | "!="; key: string; value: string } | { op: "exists" | "absent"; key: string };

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/;

/**
 * Parses `a=b,c==d,e!=f,g,!h` (Kubernetes equality-based selectors, as ModelArts's `labelSelector`
 * takes them) into a predicate over a label map; 400 naming `labelSelector` on a malformed term.
 */
export function parseLabelSelector(text: string): (labels: Record<string, string>) => boolean {
  const terms: Term[] = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t): Term => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(t);
      const term: Term = m
        ? { op: m[2] === "!=" ? "!=" : "=", key: m[1]!.trim(), value: m[3]!.trim() }
        : t.startsWith("!")
          ? { op: "absent", key: t.slice(1).trim() }
          : { op: "exists", key: t };
      if (!KEY.test(term.key)) throw new ValidationError("labelSelector", `bad label key in "${t}"`);
      return term;
    });
  return (labels) =>
    terms.every((t) => {
      const has = Object.hasOwn(labels, t.key);
      switch (t.op) {
        case "exists":
          return has;
        case "absent":
          return !has;
        case "=":
          return has && labels[t.key] === t.value;
        case "!=":
          return !has || labels[t.key] !== t.value;
      }
    });
}
