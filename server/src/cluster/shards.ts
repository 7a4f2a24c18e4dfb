/**
 * Several server processes on one machine (`WORKERS`), each holding its own share of the rooms: a
 * room lives in the process its code hashes to, with its log in that process's own SQLite file. One
 * process needs no routing and keeps the single file `boxless.sqlite`.
 */
import fs from "node:fs";
import path from "node:path";

/** Which of `count` processes holds the room with this code (FNV-1a of the upper-cased code). */
export function shardOf(code: string, count: number): number {
  if (count <= 1) return 0;
  const upper = code.toUpperCase();
  let hash = 0x811c9dc5;
  for (let i = 0; i < upper.length; i++) {
    hash ^= upper.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** The SQLite file of process `index` of `count`. */
export function dataFile(dataDir: string, index: number, count: number): string {
  return path.join(dataDir, count === 1 ? "boxless.sqlite" : `boxless-${index + 1}-of-${count}.sqlite`);
}

const SHARD_FILE = /^boxless-(\d+)-of-(\d+)\.sqlite$/;

/**
 * How many processes wrote the rooms in `dataDir`, from its SQLite files' names; null when it has
 * none yet. Throws when the files of different counts are mixed there.
 */
export function processesOf(dataDir: string): number | null {
  if (!fs.existsSync(dataDir)) return null;
  const counts = new Set<number>();
  for (const name of fs.readdirSync(dataDir)) {
    if (name === "boxless.sqlite") counts.add(1);
    const match = SHARD_FILE.exec(name);
    if (match) counts.add(Number(match[2]));
  }
  if (counts.size > 1)
    throw new Error(
      `${dataDir} holds the rooms of servers of ${[...counts].sort().join(" and ")} processes; keep one set of files`,
    );
  return counts.size === 1 ? ([...counts][0] as number) : null;
}
