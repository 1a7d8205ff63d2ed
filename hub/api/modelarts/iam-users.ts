import type { Core } from "../../core";
import type { User } from "../../core/model";
import type { IamProject } from "./project";

/** A user's IAM id: the core user's UUID without dashes (IAM user ids are 32 hex digits). */
export const iamUserId = (user: Pick<User, "id">): string => user.id.replace(/-/g, "");

/** The user an IAM user id (or a core UUID) names. */
export function userOfIamId(core: Core, id: string): User | undefined {
  const plain = id.replace(/-/g, "").toLowerCase();
  return core.users.list().find((u) => iamUserId(u) === plain);
}

/** `{id, name, domain}` as ModelArts shows the owner of a resource. */
export const presentUser = (user: Pick<User, "id" | "username">, project: IamProject) => ({
  id: iamUserId(user),
  name: user.username,
  domain: { id: project.domain.id, name: project.domain.name },
});
