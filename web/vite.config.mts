import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * The console's build: web/ -> dist/console, which the hub serves at / (hub/api/console/static.ts).
 * Files under assets/ carry a content hash in their names, so the hub caches them for a year.
 * `npm run build` runs this after tsc; dev: `npx vite --config web/vite.config.ts` proxies the
 * API to a hub on 127.0.0.1:9080.
 */
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: {
    outDir: `${here}../dist/console`,
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: { proxy: { "/api": "http://127.0.0.1:9080" } },
});
