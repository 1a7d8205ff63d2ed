/** The OTE-stack surface's settings (from the hub's config). */
export interface OteSettings {
  /** CORRAL_REGISTRY_URL: the OCI registry behind /v1/repository; null: none configured. */
  registryUrl: string | null;
  /** CORRAL_OTE_ADMIN_AUTO_DEPLOY: administrators' operations skip the audit. @default true */
  adminAutoDeploy: boolean;
}
