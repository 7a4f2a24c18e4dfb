/**
 * `npm start` (and the test run) runs this first: build the client (vite) when client/dist is
 * missing or older than any of its sources, and the server's bundle (server/dist/main.js, which
 * `npm start` runs) likewise, so a fresh checkout and an edited one both run the current code.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLIENT_DIST = path.join(root, "client", "dist");
/** The server bundle `npm start` runs. */
export const SERVER_MAIN = path.join(root, "server", "dist", "main.js");

interface Build {
  name: string;
  /** The file whose age says when it was built. */
  built: string;
  sources: string[];
  config: string;
}

const CLIENT: Build = {
  name: "client",
  built: path.join(CLIENT_DIST, "index.html"),
  sources: [
    "client/src",
    "client/index.html",
    "client/vite.config.ts",
    "client/public",
    "shared/src",
    "assets",
  ],
  config: "client/vite.config.ts",
};

const SERVER: Build = {
  name: "server",
  built: SERVER_MAIN,
  sources: ["server/src", "server/vite.config.ts", "shared/src"],
  config: "server/vite.config.ts",
};

function newest(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) latest = Math.max(latest, newest(path.join(file, name)));
  return latest;
}

/** Builds unless the output is newer than every source; returns false when the build failed. */
function buildIfNeeded(build: Build): boolean {
  const builtAt = fs.existsSync(build.built) ? fs.statSync(build.built).mtimeMs : 0;
  const sourcesAt = Math.max(...build.sources.map((s) => newest(path.join(root, s))));
  const where = path.relative(root, path.dirname(build.built));
  if (builtAt >= sourcesAt) {
    console.log(`${build.name}: up to date (${where})`);
    return true;
  }
  console.log(`${build.name}: building (vite build)…`);
  const result = spawnSync("npx", ["vite", "build", "--config", build.config, "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
  });
  return result.status === 0;
}

export const buildClientIfNeeded = (): boolean => buildIfNeeded(CLIENT);
export const buildServerIfNeeded = (): boolean => buildIfNeeded(SERVER);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!buildClientIfNeeded() || !buildServerIfNeeded()) process.exit(1);
}
