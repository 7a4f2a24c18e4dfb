/**
 * The server as one JavaScript file (`server/dist/main.js`), which `npm start` runs with plain
 * `node`: no TypeScript loader in the process (it costs ~27 MB of memory in each server process).
 * Packages from node_modules stay outside the bundle; the shared workspace is bundled in.
 */
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    ssr: "server/src/main.ts",
    outDir: "server/dist",
    emptyOutDir: true,
    target: "node20",
    sourcemap: true,
    minify: false,
  },
  logLevel: "warn",
});
