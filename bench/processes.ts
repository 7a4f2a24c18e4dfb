/** What the benches do with the processes they start: wait for them, read their CPU time and memory, clean up. */
import { type ChildProcess, execFileSync } from "node:child_process";
import fs from "node:fs";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // keep 100, Linux's usual value
}

/** CPU seconds (user + system, every thread) a process has used, from /proc, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** `pid` and every process below it (a server of several processes), from /proc. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, "utf8").trim();
      if (children) all.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone since it was listed
    }
  }
  return all;
}

/** `read` of `pid` plus that of each process below it; null once `pid` is gone. */
function treeSum(pid: number, read: (pid: number) => number | null): number | null {
  const own = read(pid);
  if (own === null) return null;
  return processTree(pid)
    .slice(1)
    .reduce((sum, child) => sum + (read(child) ?? 0), own);
}

/** CPU seconds of `pid` and the processes below it; null once `pid` is gone. */
export const treeCpuSeconds = (pid: number): number | null => treeSum(pid, cpuSeconds);

/**
 * Resident memory of `pid` and the processes below it, null once `pid` is gone: each one's own
 * pages (anonymous and shared-memory), plus file-backed pages counted once, as the largest any of
 * them has. The processes of one server map the same files (the `node` executable and its
 * libraries, ~48 MB), which are in memory once; summing every process's RSS would count them
 * once per process. For one process this is its RSS.
 */
export function treeRssBytes(pid: number): number | null {
  const own = rssParts(pid);
  if (own === null) return null;
  let anon = own.anon;
  let file = own.file;
  for (const child of processTree(pid).slice(1)) {
    const parts = rssParts(child);
    if (!parts) continue;
    anon += parts.anon;
    file = Math.max(file, parts.file);
  }
  return anon + file;
}

/** The processes' RSS summed plainly (what `treeRssBytes` counts once, counted in each). */
export const treeSummedRssBytes = (pid: number): number | null => treeSum(pid, rssBytes);

/** A process's resident pages from /proc: its own (anonymous, shared memory) and file-backed. */
function rssParts(pid: number): { anon: number; file: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? 0) * 1024;
    return { anon: kb("RssAnon") + kb("RssShmem"), file: kb("RssFile") };
  } catch {
    return null;
  }
}

/** A process's resident memory from /proc, or null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Waits until `url` answers /healthz; fails when `child` exits first or after 30 s. */
export async function waitHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited early (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await sleep(50);
  }
}

/**
 * Until the returned function is called, Ctrl-C or SIGTERM runs `cleanup` (child processes,
 * temporary folders) and exits, so an interrupted bench leaves nothing running.
 */
export function cleanUpOnInterrupt(cleanup: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      cleanup();
    } finally {
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
