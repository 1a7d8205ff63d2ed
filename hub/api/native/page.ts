import { z } from "zod";

/**
 * Paged lists of the native API (docs/native-api.md, "Lists"): `limit` items at most, and a
 * `continue` token in the answer when more follow, which the next request sends back. The token
 * is the position after the last item sent (base64url JSON, tagged with its list), opaque to
 * clients: a walk sees every item that existed when it began exactly once, in order, whatever is
 * added meanwhile. Without `limit` a list answers everything, as before paging existed.
 */

/** Most items one page may ask for (the workload list's bound before paging). */
export const MAX_PAGE_LIMIT = 10_000;

export const PageLimit = z.coerce
  .number()
  .int("must be an integer")
  .min(1, "must be at least 1")
  .max(MAX_PAGE_LIMIT, `must be at most ${MAX_PAGE_LIMIT}`);

/** The token for `list` that resumes after `key`. */
export function continueToken<K>(list: string, key: K): string {
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString("base64url");
}

/** The query's `continue` of `list`: decoded to the key its token carries; a foreign or broken token is a 400 naming `continue`. */
export function ContinueParam<K>(list: string, key: z.ZodType<K>) {
  const Token = z.object({ l: z.literal(list), k: key });
  return z
    .string()
    .optional()
    .transform((v, ctx): K | undefined => {
      if (v === undefined) return undefined;
      let parsed: unknown = undefined;
      try {
        if (/^[A-Za-z0-9_-]+$/.test(v)) parsed = JSON.parse(Buffer.from(v, "base64url").toString("utf8"));
      } catch {
        // not JSON: refused below
      }
      const t = Token.safeParse(parsed);
      if (!t.success) {
        ctx.addIssue({ code: "custom", message: `is not a continue token of the ${list} list` });
        return z.NEVER;
      }
      return t.data.k;
    });
}
