import type { User } from "../../core/model";
import type { IamProject } from "./project";

/** An IAM-style user id: the core user's UUID without dashes (32 hex, as IAM's are). */
export const iamUserId = (user: Pick<User, "id">): string => user.id.replace(/-/g, "");

/** `{id, name, domain}` as ModelArts shows the owner of a resource. */
export const presentUser = (user: Pick<User, "id" | "username">, project: IamProject) => ({
  id: iamUserId(user),
  name: user.username,
  domain: { id: project.domain.id, name: project.domain.name },
});
