// Unique-prefix lookup for ids the hub only accepts whole (join tokens): an exact id wins, otherwise
// exactly one id must start with the prefix. None -> exit 3; several -> exit 2 listing the candidates.
import { NotFoundError, UsageError } from "./errors";

export function resolvePrefix<T extends { id: string }>(
  items: readonly T[],
  prefix: string,
  what: string,
): T {
  const exact = items.find((i) => i.id === prefix);
  if (exact) return exact;
  const matches = items.filter((i) => i.id.startsWith(prefix));
  const [only] = matches;
  if (matches.length === 1 && only) return only;
  if (matches.length === 0) throw new NotFoundError(`no ${what} with id ${JSON.stringify(prefix)}`);
  throw new UsageError(
    `${JSON.stringify(prefix)} matches ${matches.length} ${what}s, give more of the id: ${matches.map((m) => m.id).join(", ")}`,
  );
}
