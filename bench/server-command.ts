/**
 * How `npm start` runs the server, read from package.json, so the benches measure the server the
 * way it is run: the same Node flags (its heap sizes) and the same entry file.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The Node options `npm start` gives the server (e.g. `--max-semi-space-size=64`), without `--import tsx`. */
export function serverNodeFlags(): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const command = (scripts.start ?? "").split("&&").find((part) => part.includes("server/src/main.ts"));
  if (!command) throw new Error('package.json\'s "start" script does not run server/src/main.ts');
  const words = command.trim().split(/\s+/);
  if (words[0] !== "node") return [];
  const flags: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "--import") {
      i++;
      continue;
    }
    if (!word.startsWith("--")) break;
    flags.push(word);
  }
  return flags;
}

/** `node` arguments that start the server as `npm start` does, plus `extra` flags first. */
export function serverArgs(extra: readonly string[] = []): string[] {
  return [...extra, ...serverNodeFlags(), "--import", "tsx", path.join(root, "server/src/main.ts")];
}
