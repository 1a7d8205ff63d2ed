// Exit codes of the `corral` CLI. They are part of its contract: scripts branch on them, so a code
// never changes meaning. Documented in `corral --help` through EXIT_CODES_HELP.

/** The command did what was asked. */
export const EXIT_OK = 0;
/** The hub refused or failed the request (4xx other than 404, 5xx), or the command failed. */
export const EXIT_FAILURE = 1;
/** Bad command line: unknown command or option, bad value, missing confirmation off a terminal. */
export const EXIT_USAGE = 2;
/** The named node, cluster, token or workload does not exist (hub 404, or no id matches a prefix). */
export const EXIT_NOT_FOUND = 3;
/** The hub could not be reached: connection refused, DNS failure or timeout. */
export const EXIT_UNREACHABLE = 4;

export type ExitCode =
  typeof EXIT_OK | typeof EXIT_FAILURE | typeof EXIT_USAGE | typeof EXIT_NOT_FOUND | typeof EXIT_UNREACHABLE;

/** Appended to `corral --help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  failure (the hub refused or failed the request)
  2  usage (bad command line, or a confirmation that could not be asked)
  3  not found
  4  hub unreachable`;
