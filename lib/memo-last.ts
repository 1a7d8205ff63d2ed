/**
 * `fn` with its last answer kept: called again only when the argument differs (===) from the last
 * one. For parses of a value that rarely changes but is read on every reconnect (the node's
 * certificate, the hub CA: ~0.4 ms a parse under OpenSSL 3.0, a quarter of a simulated agent's
 * reconnect, issue 15). The answer is shared between calls: callers must not change it.
 */
export function memoLast<A, R>(fn: (arg: A) => R): (arg: A) => R {
  let last: { arg: A; result: R } | null = null;
  return (arg) => {
    if (last === null || last.arg !== arg) last = { arg, result: fn(arg) };
    return last.result;
  };
}
