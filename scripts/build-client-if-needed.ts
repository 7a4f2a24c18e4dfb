/**
 * `npm start` (and the test run, before its browser tests) runs this first: build the client
 * (vite) when client/dist is missing or older than any of its sources, so a fresh checkout and an
 * edited one both serve the current client.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLIENT_DIST = path.join(root, "client", "dist");
const built = path.join(CLIENT_DIST, "index.html");
const sources = [
  "client/src",
  "client/index.html",
  "client/vite.config.ts",
  "client/public",
  "shared/src",
  "assets",
];

function newest(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) latest = Math.max(latest, newest(path.join(file, name)));
  return latest;
}

/** Builds client/dist unless it is newer than every source; returns false when the build failed. */
export function buildClientIfNeeded(): boolean {
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sourcesAt = Math.max(...sources.map((s) => newest(path.join(root, s))));
  if (builtAt >= sourcesAt) {
    console.log("client: up to date (client/dist)");
    return true;
  }
  console.log("client: building (vite build)…");
  const result = spawnSync(
    "npx",
    ["vite", "build", "--config", "client/vite.config.ts", "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  return result.status === 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!buildClientIfNeeded()) process.exit(1);
}
