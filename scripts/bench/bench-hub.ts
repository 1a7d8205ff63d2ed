import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type HubConfig, loadHubConfig } from "../../hub/config";

/** Admin password and bootstrap join token of the benchmarks' hubs (loopback only, throwaway). */
const BENCH_ADMIN_PASSWORD = "bench-admin-password";
export const BENCH_JOIN_TOKEN = "bench-join-token-0000000001";

/** A hub config on loopback with ephemeral ports and a fresh data dir named after `name`. */
export function benchHubConfig(name: string): { config: HubConfig; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corral-bench-${name}-`));
  const config = loadHubConfig({
    CORRAL_DATA_DIR: dir,
    CORRAL_HTTP_HOST: "127.0.0.1",
    CORRAL_HTTP_PORT: "0",
    CORRAL_GRPC_HOST: "127.0.0.1",
    CORRAL_GRPC_PORT: "0",
    CORRAL_ADMIN_USERNAME: "admin",
    CORRAL_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    CORRAL_BOOTSTRAP_JOIN_TOKEN: BENCH_JOIN_TOKEN,
  });
  return { config, dir };
}
