/**
 * `<% $scope.path %>` references of the job protocol (docs/compat/openpai.md §3): `$parameters` (job-wide),
 * `$script`, `$data`, `$output` (the role's prerequisites), with `.key` and `[i]` steps. Unknown
 * references are left as they are; `$secrets` is never rendered into commands (only into a docker
 * image's `auth`), so secrets cannot leak into command lines or logs.
 */
const REFERENCE = /<%\s*\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*%>/g;

export type Scopes = Partial<Record<"parameters" | "script" | "data" | "output" | "secrets", unknown>>;

export function render(text: string, scopes: Scopes): string {
  return text.replace(REFERENCE, (whole, scope: string, path: string) => {
    if (!(scope in scopes)) return whole;
    let value: unknown = scopes[scope as keyof Scopes];
    for (const step of path.match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
      const key = step.startsWith(".") ? step.slice(1) : Number(step.slice(1, -1));
      if (typeof value !== "object" || value === null) return whole;
      value = (value as Record<string | number, unknown>)[key];
    }
    if (value === undefined || value === null) return whole;
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** Masks every secret value, as OpenPAI does when it hands a stored job config back. */
export function maskSecrets(secrets: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(secrets).map((k) => [k, "******"]));
}

/**
 * A job config with every secret value and every registry password (`prerequisites[].auth`)
 * masked: the form in which a config is stored and served back. Returns a copy.
 */
export function maskConfig(config: unknown): unknown {
  if (typeof config !== "object" || config === null || Array.isArray(config)) return config;
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  if (typeof out.secrets === "object" && out.secrets !== null)
    out.secrets = maskSecrets(out.secrets as Record<string, unknown>);
  if (Array.isArray(out.prerequisites))
    out.prerequisites = out.prerequisites.map((p: unknown) => {
      if (typeof p !== "object" || p === null || !("auth" in p)) return p;
      const auth = (p as { auth: unknown }).auth;
      if (typeof auth !== "object" || auth === null || !("password" in auth)) return p;
      return { ...p, auth: { ...auth, password: "******" } };
    });
  return out;
}

/** Whether a config holds anything maskConfig would mask. */
export function hasSecrets(config: unknown): boolean {
  return JSON.stringify(maskConfig(config)) !== JSON.stringify(config);
}
