import type { Core } from "../../core";
import { ValidationError } from "../../core/errors";
import { CHART } from "./presenters";

/**
 * 422 unless `appName` has `version` in `namespace`; a helm chart of that name is named as such
 * (charts need Kubernetes targets, which this hub does not have).
 */
export function requireAppVersion(core: Core, namespace: string, appName: string, version: string): void {
  const apps = core.serviceTemplates.versions(namespace, appName);
  if (apps.length === 0) {
    const chart = core.artifacts.list(CHART).find((c) => c.scope === namespace && c.name === appName);
    if (chart)
      throw new ValidationError(
        "appName",
        `${appName} is a helm chart: charts need Kubernetes targets, which this hub does not have`,
      );
    throw new ValidationError("appName", `no app ${appName} in ${namespace}`);
  }
  if (!apps.some((a) => a.version === version))
    throw new ValidationError("version", `app ${appName} has no version ${version}`);
}
