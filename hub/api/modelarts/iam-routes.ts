import type Router from "@koa/router";
import { z } from "zod";
import { UnauthenticatedError } from "../../core/errors";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { iamUserId } from "./iam-users";

/** An IAM token lives 24 hours. */
export const IAM_TOKEN_TTL_SEC = 24 * 3600;

/** IAM's code for a wrong user name or password. */
export const IAM_BAD_PASSWORD = "IAM.0101";
/** IAM's code for a request it cannot read (a method other than password, a missing field). */
export const IAM_BAD_REQUEST = "IAM.0001";

const Named = z.object({ name: z.string().optional(), id: z.string().optional() });

const TokenBody = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).min(1, "is required"),
      password: z
        .object({
          user: z.object({
            name: z.string().min(1, "is required"),
            password: z.string(),
            domain: Named.optional(),
          }),
        })
        .optional(),
    }),
    scope: z.object({ project: Named.optional(), domain: Named.optional() }).optional(),
  }),
});

const ProjectsQuery = z.object({ name: z.string().optional(), domain_id: z.string().optional() });

/** IAM's time form: ISO 8601 with microseconds. */
const iamTime = (ms: number): string => new Date(ms).toISOString().replace("Z", "000Z");

/**
 * The IAM calls Huawei's SDKs make before ModelArts ones: a password token (201, X-Subject-Token)
 * and the project list (the SDK finds the project id by the region's name when it has none).
 */
export function iamRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project } = deps;
  const projectBody = () => ({
    id: project.id,
    name: project.name,
    domain_id: project.domain.id,
    enabled: true,
    is_domain: false,
    parent_id: project.domain.id,
    description: "the Corral hub's one IAM project",
    links: { self: `/v3/projects/${project.id}` },
  });

  router.post("/v3/auth/tokens", validate(TokenBody), async (ctx) => {
    const body = input(ctx, TokenBody).auth;
    const password = body.identity.password;
    if (!body.identity.methods.includes("password") || !password)
      throw new ModelArtsError(400, IAM_BAD_REQUEST, "only the password method is served by this hub");
    const domain = password.user.domain;
    // The account (domain) is this hub's, or named after the user as IAM main accounts are.
    const domainOk =
      !domain ||
      [project.domain.name, project.domain.id, password.user.name].some(
        (v) => v === domain.name || v === domain.id,
      );
    const scope = body.scope?.project;
    if (scope && (scope.id ?? project.id) !== project.id && (scope.name ?? project.name) !== project.name)
      throw new ModelArtsError(400, IAM_BAD_REQUEST, `no project ${scope.id ?? scope.name ?? ""}`);
    const wrong = () => new ModelArtsError(401, IAM_BAD_PASSWORD, "The username or password is wrong.");
    if (!domainOk) throw wrong();
    let login;
    try {
      login = await core.auth.login(password.user.name, password.user.password, IAM_TOKEN_TTL_SEC);
    } catch (err) {
      throw err instanceof UnauthenticatedError ? wrong() : err;
    }
    const { token, record, user } = login;
    const userDomain = { id: project.domain.id, name: project.domain.name };
    ctx.status = 201;
    ctx.set("X-Subject-Token", token);
    ctx.body = {
      token: {
        expires_at: iamTime(record.expiresAt ?? record.createdAt + IAM_TOKEN_TTL_SEC * 1000),
        issued_at: iamTime(record.createdAt),
        methods: ["password"],
        ...(body.scope?.domain
          ? { domain: userDomain }
          : { project: { id: project.id, name: project.name, domain: userDomain } }),
        user: { id: iamUserId(user), name: user.username, domain: userDomain, password_expires_at: "" },
        roles: user.admin
          ? [
              { id: "0", name: "te_admin" },
              { id: "1", name: "modelarts_adm" },
            ]
          : [{ id: "2", name: "modelarts_user" }],
        catalog: catalog(ctx, project),
      },
    };
  });

  router.get("/v3/projects", deps.auth, validate(ProjectsQuery, "query"), (ctx) => {
    const q = input(ctx, ProjectsQuery);
    const matches =
      (q.name === undefined || q.name === project.name) &&
      (q.domain_id === undefined || q.domain_id === project.domain.id);
    ctx.body = {
      projects: matches ? [projectBody()] : [],
      links: { self: "/v3/projects", next: null, previous: null },
    };
  });
  router.get("/v3/projects/:id", deps.auth, (ctx) => {
    if (ctx.params.id !== project.id)
      throw new ModelArtsError(404, "IAM.0004", `project ${ctx.params.id ?? ""} not found`);
    ctx.body = { project: projectBody() };
  });
  // The IAM SDK's GlobalCredentials look the account's domain id up here.
  router.get("/v3/auth/domains", deps.auth, (ctx) => {
    ctx.body = {
      domains: [{ id: project.domain.id, name: project.domain.name, enabled: true, description: "" }],
      links: { self: "/v3/auth/domains", next: null, previous: null },
    };
  });
  router.get("/v3/auth/projects", deps.auth, (ctx) => {
    ctx.body = {
      projects: [projectBody()],
      links: { self: "/v3/auth/projects", next: null, previous: null },
    };
  });
}

/** The service catalog: ModelArts and IAM both at this hub, as the client reached it. */
function catalog(ctx: ApiContext, project: ModelArtsDeps["project"]) {
  const url = `${ctx.protocol}://${ctx.host}`;
  const endpoint = (id: string, path: string) => ({
    id,
    interface: "public",
    region: project.name,
    region_id: project.name,
    url: `${url}${path}`,
  });
  return [
    { type: "modelarts", id: "modelarts", name: "modelarts", endpoints: [endpoint("modelarts-public", "")] },
    { type: "identity", id: "iam", name: "iam", endpoints: [endpoint("iam-public", "/v3")] },
  ];
}
