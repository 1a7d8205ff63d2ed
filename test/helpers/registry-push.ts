/**
 * Pushes a tiny image (a config blob with `created`, no layers) straight over the registry's HTTP
 * API, so that registry-backed routes can be tested without a Docker engine.
 */
import crypto from "node:crypto";

const sha = (b: Buffer) => `sha256:${crypto.createHash("sha256").update(b).digest("hex")}`;

/** Pushes `repository:tag` built at `created` to the registry at `baseUrl` (http://host:port). */
export async function pushTinyImage(
  baseUrl: string,
  repository: string,
  tag: string,
  created: Date,
): Promise<void> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: created.toISOString(),
      rootfs: { type: "layers", diff_ids: [] },
    }),
  );
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const location = new URL(start.headers.get("location") ?? "", baseUrl);
  location.searchParams.set("digest", sha(config));
  const put = await fetch(location, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: config,
  });
  if (put.status !== 201) throw new Error(`blob put: ${put.status}`);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha(config),
        size: config.length,
      },
      layers: [],
    }),
  );
  const res = await fetch(`${baseUrl}/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body: manifest,
  });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
}
