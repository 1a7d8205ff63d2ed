import type { MaFlavor } from "./flavors";

/** A training flavor as `/v2/{project_id}/training-job-flavors` and a job's task_resource show it. */
export function presentTrainingFlavor(f: MaFlavor): Record<string, unknown> {
  return {
    flavor_id: f.id,
    flavor_name: f.name,
    flavor_type: f.type,
    max_num: f.maxNum,
    billing: { code: f.id, unit_num: 1 },
    flavor_info: {
      max_num: f.maxNum,
      cpu: { arch: f.arch, core_num: f.cores },
      ...(f.gpu
        ? {
            gpu: {
              unit_num: f.gpu.count,
              product_name: f.gpu.model,
              ...(f.gpu.memoryMiB !== null ? { memory: `${Math.round(f.gpu.memoryMiB / 1024)}GB` } : {}),
            },
          }
        : {}),
      memory: { size: f.memoryGiB, unit: "GB" },
    },
    attributes: {},
  };
}

/** A job's spec.resource.flavor_detail. */
export function presentFlavorDetail(f: MaFlavor): Record<string, unknown> {
  const t = presentTrainingFlavor(f);
  return { flavor_type: t.flavor_type, billing: t.billing, flavor_info: t.flavor_info };
}

/** A resource flavor as `/v1/{project_id}/resourceflavors` shows it (Kubernetes-style object). */
export function presentResourceFlavor(f: MaFlavor, region: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "ResourceFlavor",
    metadata: { name: f.id, labels: { "os.modelarts/scope": "Train,Infer,Notebook" } },
    spec: {
      type: "Dedicate",
      cpuArch: f.arch,
      cpu: String(f.cores),
      memory: `${f.memoryGiB}Gi`,
      ...(f.gpu ? { gpu: { type: f.gpu.model, size: String(f.gpu.count) } } : {}),
      billingModes: [0],
      billingCode: f.id,
      jobFlavors: [f.id],
    },
    // Every flavor is offered where the hub's nodes are: one "zone", the hub's region.
    status: { phase: { [`${region}a`]: "normal" } },
  };
}
