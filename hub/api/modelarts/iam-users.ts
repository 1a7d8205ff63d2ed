import type { Core } from "../../core";
import type { User } from "../../core/model";

/** A user's IAM id: the core user's UUID without dashes (IAM user ids are 32 hex digits). */
export const iamUserId = (user: User): string => user.id.replace(/-/g, "");

/** The user an IAM user id (or a core UUID) names. */
export function userOfIamId(core: Core, id: string): User | undefined {
  const plain = id.replace(/-/g, "").toLowerCase();
  return core.users.list().find((u) => iamUserId(u) === plain);
}
