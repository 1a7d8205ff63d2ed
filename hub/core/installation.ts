import crypto from "node:crypto";
import type { SettingsRepository } from "./repositories";

/**
 * Facts about this hub install that never change once made: an id generated at first start and
 * kept in the store. ModelArts shows it as the one IAM project id (`/v1/{project_id}/...`).
 */
export class Installation {
  /** 32 lowercase hex digits, stable across restarts. */
  readonly id: string;

  constructor(settings: SettingsRepository) {
    let id = settings.get("installation_id");
    if (!id) {
      id = crypto.randomBytes(16).toString("hex");
      settings.set("installation_id", id);
    }
    this.id = id;
  }
}
