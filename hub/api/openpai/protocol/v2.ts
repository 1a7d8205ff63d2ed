import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { invalidProtocol } from "../errors";
import { envOf, type ImageAuth, type JobSpec, type RoleSpec } from "./job-spec";
import { render, type Scopes } from "./render";
import { JobProtocol, type PrerequisiteProtocol } from "./v2-schema";

/** The first zod issue as `field: reason`, the way the native API names bad input. */
export function describeIssue(error: z.ZodError, root: string): string {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : root;
  return `${field}: ${issue?.message ?? "invalid"}`;
}

/**
 * Parses a submitted v2 job (YAML text, or an already parsed object), validates schema and
 * semantics, and renders it into a JobSpec. Every refusal is 400 InvalidProtocolError naming the
 * field and the reason; unparsable YAML too (the real server answers a code-less 500 there).
 */
export function parseV2(body: unknown): { protocol: JobProtocol; spec: JobSpec } {
  let raw: unknown = body;
  if (typeof body === "string") {
    try {
      raw = parseYaml(body);
    } catch (err) {
      throw invalidProtocol(`Job protocol is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidProtocol("Job protocol must be a YAML mapping.");
  }
  const result = JobProtocol.safeParse(raw);
  if (!result.success) throw invalidProtocol(describeIssue(result.error, "protocol"));
  const protocol = result.data;
  return { protocol, spec: toSpec(protocol) };
}

function toSpec(p: JobProtocol): JobSpec {
  const prerequisites = p.prerequisites ?? [];
  const seen = new Set<string>();
  for (const pr of prerequisites) {
    const key = `${pr.type}/${pr.name}`;
    if (seen.has(key)) throw invalidProtocol(`Duplicate prerequisite name ${pr.name} of type ${pr.type}.`);
    seen.add(key);
  }
  const deployments = p.deployments ?? [];
  const names = new Set<string>();
  for (const d of deployments) {
    if (names.has(d.name)) throw invalidProtocol(`Duplicate deployment name ${d.name}.`);
    names.add(d.name);
  }
  const wanted = p.defaults?.deployment;
  if (wanted !== undefined && !names.has(wanted))
    throw invalidProtocol(`Default deployment ${wanted} does not exist.`);
  const deployment = deployments.find((d) => d.name === wanted);
  const find = (name: string, types: PrerequisiteProtocol["type"][]): PrerequisiteProtocol => {
    const found = prerequisites.find((pr) => pr.name === name && types.includes(pr.type));
    if (!found) throw invalidProtocol(`Prerequisite ${name} does not exist.`);
    return found;
  };
  const extras = (p.extras ?? {}) as Record<string, unknown>;
  const corral = (extras.corral ?? {}) as { env?: unknown; taskRoles?: Record<string, { env?: unknown }> };
  const roles: RoleSpec[] = Object.entries(p.taskRoles).map(([name, role]) => {
    const image = find(role.dockerImage, ["dockerimage"]);
    for (const ref of role.prerequisites ?? []) find(ref, ["dockerimage", "script", "output", "data"]);
    const scopes: Scopes = { parameters: p.parameters ?? {} };
    if (role.script !== undefined) scopes.script = find(role.script, ["script"]);
    if (role.data !== undefined) scopes.data = find(role.data, ["data"]);
    if (role.output !== undefined) scopes.output = find(role.output, ["output"]);
    const hooks = deployment?.taskRoles[name];
    const lines = [...(hooks?.preCommands ?? []), ...role.commands, ...(hooks?.postCommands ?? [])];
    const { minFailedInstances = null, minSucceededInstances = null } = role.completion ?? {};
    if (minFailedInstances !== null && minFailedInstances > role.instances)
      throw invalidProtocol(
        `taskRoles.${name}.completion.minFailedInstances: exceeds instances (${role.instances}).`,
      );
    if (minSucceededInstances !== null && minSucceededInstances > role.instances)
      throw invalidProtocol(
        `taskRoles.${name}.completion.minSucceededInstances: exceeds instances (${role.instances}).`,
      );
    const auth = image.type === "dockerimage" ? imageAuth(image, p.secrets ?? {}) : undefined;
    return {
      ...(auth ? { imageAuth: auth } : {}),
      name,
      instances: role.instances,
      image: (image as { uri: string }).uri,
      commands: lines.map((l) => render(l, scopes).trim()).filter((l) => l !== ""),
      cpu: role.resourcePerInstance.cpu,
      memoryMB: role.resourcePerInstance.memoryMB,
      gpu: role.resourcePerInstance.gpu,
      ports: role.resourcePerInstance.ports ?? {},
      taskRetryCount: role.taskRetryCount ?? 0,
      // OpenPAI: falsy counts as unset, -1 passes through.
      minFailedInstances: minFailedInstances || null,
      minSucceededInstances: minSucceededInstances || null,
      env: { ...envOf(corral.env), ...envOf(corral.taskRoles?.[name]?.env) },
    };
  });
  const storages = Array.isArray(extras.storages)
    ? extras.storages.flatMap((s) =>
        typeof s === "object" && s !== null && "name" in s ? [String(s.name)] : [],
      )
    : [];
  return {
    format: "v2",
    name: p.name,
    virtualCluster: p.defaults?.virtualCluster ?? "default",
    jobRetryCount: p.jobRetryCount ?? 0,
    gang: extras.gangAllocation !== false,
    roles,
    storages,
  };
}

/**
 * A dockerimage prerequisite's `auth`, `<% $secrets.x %>` references rendered (the only place
 * secrets are rendered). The server is `registryuri`'s host, else the image's registry host.
 */
function imageAuth(
  image: { name: string; uri: string; auth?: { username?: string; password?: string; registryuri?: string } },
  secrets: Record<string, unknown>,
): ImageAuth | undefined {
  const auth = image.auth;
  if (!auth || auth.username === undefined || auth.password === undefined) return undefined;
  const field = (v: string) => render(v, { secrets }).trim();
  const registry = auth.registryuri === undefined ? "" : field(auth.registryuri);
  return {
    prerequisite: image.name,
    serverAddress: registry !== "" ? registryHost(registry) : imageRegistry(image.uri),
    username: field(auth.username),
    password: field(auth.password),
  };
}

/** `https://reg.example.com:5000/v2/` -> `reg.example.com:5000`. */
export function registryHost(uri: string): string {
  return uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split("/")[0] ?? uri;
}

/** The registry of an image reference: its first path part when that names a host, else docker.io. */
function imageRegistry(uri: string): string {
  const first = uri.split("/")[0] ?? "";
  return uri.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : "docker.io";
}
