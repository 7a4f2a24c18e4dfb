/**
 * The browser tests drive Debian's Chromium (never a downloaded browser). `npm test` runs this
 * first: when Chromium is missing it installs Debian's package if it can (root, apt-get), and
 * otherwise stops with one line saying how.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function install(): boolean {
  const isRoot = process.getuid?.() === 0;
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt) return false;
  console.log("browser tests: installing Debian's chromium (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) =>
    spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  return run(["update", "-qq"]) && run(["install", "-y", "-qq", "chromium"]);
}

if (!fs.existsSync(CHROMIUM) && !install()) {
  console.error(
    `browser tests need Chromium at ${CHROMIUM}: run "sudo apt-get install chromium" (or set CHROMIUM_PATH), then npm test again.`,
  );
  process.exit(1);
}
