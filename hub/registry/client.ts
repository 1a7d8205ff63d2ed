/**
 * A small OCI distribution (Docker Registry HTTP API v2) client over fetch: catalog, tags, and
 * manifest digest lookup and delete. Deleting needs the registry's `delete: enabled: true`.
 * Every failure is a RegistryUnavailableError (the registry's status, or null when unreachable).
 */
import { RegistryUnavailableError } from "../core/errors";

/** Manifest media types asked for, so HEAD answers the digest of what `docker push` stored. */
const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

export class RegistryClient {
  /** @param baseUrl e.g. http://127.0.0.1:5000 (CORRAL_REGISTRY_URL). */
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** host[:port] as it prefixes image references pushed to this registry. */
  get host(): string {
    return new URL(this.baseUrl).host;
  }

  /** Repository names (the first 1000: the registry's page limit). */
  async catalog(): Promise<string[]> {
    const body = (await this.json("/v2/_catalog?n=1000")) as { repositories?: string[] | null };
    return body.repositories ?? [];
  }

  /** Tags of a repository; [] when it has none left (or does not exist). */
  async tags(repository: string): Promise<string[]> {
    try {
      const body = (await this.json(`/v2/${repository}/tags/list`)) as { tags?: string[] | null };
      return body.tags ?? [];
    } catch (err) {
      if (err instanceof RegistryUnavailableError && err.status === 404) return [];
      throw err;
    }
  }

  /** The manifest digest of repository:tag, or null when absent. */
  async digest(repository: string, tag: string): Promise<string | null> {
    const res = await this.request("HEAD", `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, {
      accept: MANIFEST_ACCEPT,
    });
    if (res.status === 404) return null;
    if (!res.ok)
      throw new RegistryUnavailableError(
        `registry answered ${res.status} for ${repository}:${tag}`,
        res.status,
      );
    return res.headers.get("docker-content-digest");
  }

  /**
   * When the image repository:tag was built (its config's `created`), Unix ms; null when the tag
   * is absent or its config names no time. An index is read through its first manifest.
   */
  async created(repository: string, tag: string): Promise<number | null> {
    let manifest = await this.manifest(repository, tag);
    const first = manifest?.manifests?.[0]?.digest;
    if (first) manifest = await this.manifest(repository, first);
    const config = manifest?.config?.digest;
    if (!config) return null;
    const body = (await this.json(`/v2/${repository}/blobs/${config}`)) as { created?: string };
    const at = body.created ? Date.parse(body.created) : NaN;
    return Number.isNaN(at) ? null : at;
  }

  private async manifest(
    repository: string,
    reference: string,
  ): Promise<{ config?: { digest?: string }; manifests?: { digest?: string }[] } | null> {
    const res = await this.request("GET", `/v2/${repository}/manifests/${encodeURIComponent(reference)}`, {
      accept: MANIFEST_ACCEPT,
    });
    if (res.status === 404) return null;
    if (!res.ok)
      throw new RegistryUnavailableError(
        `registry answered ${res.status} for ${repository}:${reference}`,
        res.status,
      );
    return (await res.json()) as { config?: { digest?: string }; manifests?: { digest?: string }[] };
  }

  /** Deletes the manifest a tag points to (every tag sharing it goes too). False when absent. */
  async deleteTag(repository: string, tag: string): Promise<boolean> {
    const digest = await this.digest(repository, tag);
    if (!digest) return false;
    const res = await this.request("DELETE", `/v2/${repository}/manifests/${digest}`);
    if (res.status === 404) return false;
    if (!res.ok) {
      throw new RegistryUnavailableError(
        `registry refused to delete ${repository}:${tag} (${res.status}${res.status === 405 ? ": deletion disabled" : ""})`,
        res.status,
      );
    }
    return true;
  }

  private async json(path: string): Promise<unknown> {
    const res = await this.request("GET", path, { accept: "application/json" });
    if (!res.ok)
      throw new RegistryUnavailableError(`registry answered ${res.status} for ${path}`, res.status);
    return res.json();
  }

  private async request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new RegistryUnavailableError(
        `registry ${this.baseUrl} unreachable: ${(err as Error).message}`,
        null,
        {
          cause: err,
        },
      );
    }
  }
}
