import v8 from "node:v8";

/** Environment variable that turns the agent's V8 tuning off ("off") or on ("on", the default). */
export const V8_TUNING_ENV = "CORRAL_AGENT_V8_TUNING";

/**
 * V8 flags of the agent process (issue 15: idle RSS <= 60 MiB with the Docker runtime).
 *
 * `--no-opt` turns Turbofan off: what an idle agent runs is start-up code (module loading, the
 * join, the first inventory), heartbeats and reconcile passes, hot enough at start to be optimised
 * but never again, and the optimised code with its compiler's memory stayed: ~4 MiB of an idle
 * agent (60.5 -> 56.2 MiB after a join, 58.0 -> 54.1 after a restart). Its price would be the
 * byte tunnel, whose pumping is hot: agent/main.ts turns Turbofan back on at the first tunnel
 * (restoreAgentV8Defaults), so only an agent that never served one runs without it.
 *
 * Set with v8.setFlagsFromString by bin/corral-agent.js before any other module loads, so it
 * holds however the agent is started (the systemd unit, a shell, the benchmark); Turbofan's flag
 * is read at every tiering decision, so it takes effect this late. The heap-sizing flags tried
 * (--semi-space-growth-factor=1, --max-semi-space-size=1, --optimize-for-size, --max-lazy) changed
 * nothing measurable at idle; --lite-mode / --jitless save ~2 MiB more but turn off every JIT.
 */
export const AGENT_V8_FLAGS: readonly string[] = ["--no-opt"];

/** CORRAL_AGENT_V8_TUNING holds neither "on" nor "off": the launcher exits 2 with the message. */
export class V8TuningConfigError extends Error {
  override readonly name = "V8TuningConfigError";
}

/** The flags to set for this environment: none when CORRAL_AGENT_V8_TUNING=off. */
export function agentV8Flags(env: NodeJS.ProcessEnv): readonly string[] {
  const value = (env[V8_TUNING_ENV] ?? "on").trim().toLowerCase();
  if (value === "off") return [];
  if (value === "on" || value === "") return AGENT_V8_FLAGS;
  throw new V8TuningConfigError(
    `invalid configuration: ${V8_TUNING_ENV} must be "on" or "off", got "${value}"`,
  );
}

/** Flags that undo AGENT_V8_FLAGS. */
const AGENT_V8_DEFAULTS: readonly string[] = ["--opt"];

/** Sets V8's defaults back where applyAgentV8Tuning changed them; returns the flags it set. */
export function restoreAgentV8Defaults(
  env: NodeJS.ProcessEnv,
  setFlags: (flag: string) => void = v8.setFlagsFromString,
): readonly string[] {
  const flags = agentV8Flags(env).length === 0 ? [] : AGENT_V8_DEFAULTS;
  for (const flag of flags) setFlags(flag);
  return flags;
}

/** Sets the agent's V8 flags in this process; returns those it set. */
export function applyAgentV8Tuning(
  env: NodeJS.ProcessEnv,
  setFlags: (flag: string) => void = v8.setFlagsFromString,
): readonly string[] {
  const flags = agentV8Flags(env);
  for (const flag of flags) setFlags(flag);
  return flags;
}
