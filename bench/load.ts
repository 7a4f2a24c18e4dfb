/**
 * Load benches: the real server against a bare socket.io relay, from separate processes.
 *
 *   npm run bench -- load [--rooms N] [--seats M] [--interval-ms MS] [--duration-s S] [--workers W]
 *                         [--rounds R] [--quick] [--only server|relay] [--relay-recovery] [--cpu-prof]
 *                         [--repeats K]
 *   npm run bench -- saturation [the same options] [--step-s S] [--max-steps K] [--p99-ms MS]
 *   npm run bench -- soak [the same options; --duration-s defaults to 600, server only]
 *
 * Each target runs in its own child process on 127.0.0.1: the server (`server/src/main.ts`, fresh
 * temporary DATA_DIR) or the relay (`bench/relay.ts`). `--workers` forked processes
 * (`bench/load/worker.ts`) hold whole rooms: a facilitator, a host screen (room:watch) and
 * `--seats` players per room, and play complete games (a finished game is replaced by a new room).
 *
 * - `load` measures each target at the set pace (default 250 rooms × 8 players, one action per
 *   player every 2 s on average) in `--repeats` windows (default 3), the targets taking turns so
 *   that a machine getting busier or quieter weighs on both alike, pools each target's windows and
 *   prints both targets side by side: acked actions per second,
 *   ack and fan-out latency, the target's CPU (also per 1,000 actions) and memory (from /proc,
 *   sampled each second), errors, and, for the server, its collections' pauses (from its
 *   `/metrics`) and acked player actions against the entries found in its SQLite log afterwards.
 * - `saturation` keeps the rooms and steps the pace up (each step 30 % shorter intervals) until the
 *   ack p99 passes 100 ms, then halves the gap between the last step under it and the first over
 *   it (`--refine-steps`, each after a few unmeasured seconds at its pace so that the backlog of
 *   the step over the limit is gone), for both targets, their steps taking turns: the saturation
 *   point is the highest acked rate whose p99 stayed under it. A step over the limit is measured
 *   once more before it counts as over (past saturation the backlog only grows, so the second try
 *   is over too; below it, one bad second is not), and both tries are printed.
 * - `soak` plays at the set pace for 10 minutes against the server and prints its resident memory
 *   minute by minute, and its growth.
 *
 * The load generators run on the same machine and compete with the target for CPU, at a lower
 * priority (`--nice`, default 10: see `LOAD_GENERATOR_NICE`); their share is printed too.
 * Latencies are measured in the workers, so they include the workers' own queueing. Everything it
 * starts it stops, also on Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { freePort, serverArgs, serverEnv, serverNodeFlags } from "../server/src/testing/child-server";
import type { FromWorker, Target, ToWorker, WorkerReady, WorkerResult } from "./load/messages";
import { machineRows } from "./machine";
import { parseBenchOptions } from "./options";
import {
  cleanUpOnInterrupt,
  cpuSeconds,
  sleep,
  treeCpuSeconds,
  treeRssBytes,
  treeSummedRssBytes,
  waitHealthy,
} from "./processes";
import { fmt, percentile, table } from "./report";
import { collect, forkWorkers, LOAD_GENERATOR_NICE } from "./workers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKER_FILE = path.join(root, "bench/load/worker.ts");
const RELAY_FILE = path.join(root, "bench/relay.ts");
const DRAIN_MS = 10_000;
const SETUP_TIMEOUT_MS = 150_000;
/** Unmeasured seconds a target plays again before each of its windows when another target ran in between. */
const REWARM_S = 10;
/** Unmeasured seconds at a refining step's pace before it is measured (the backlog drains). */
const REFINE_SETTLE_S = 5;
/** The ack p99 that marks saturation. */
const SATURATION_P99_MS = 100;

// ─── options ──────────────────────────────────────────────────────────────────

interface Options {
  rooms: number;
  seats: number;
  teamSize: number;
  intervalMs: number;
  durationS: number;
  workers: number;
  /** The load generators' `nice`. */
  nice: number;
  rounds: number;
  timerS: number | null;
  targets: Target[];
  relayRecovery: boolean;
  cpuProf: boolean;
  stepS: number;
  maxSteps: number;
  refineSteps: number;
  p99Ms: number;
  warmupS: number;
  repeats: number;
}

export const LOAD_USAGE = [
  "load, saturation and soak options:",
  "  --rooms N          rooms played at once (default 250)",
  "  --seats M          players per room (default 8, at most 8), one team",
  "  --interval-ms MS   each player's mean time between actions, jittered ±50% (default 2000)",
  "  --duration-s S     measured seconds per target (default 60; soak 600)",
  "  --repeats K        load: measure each target in K windows of duration/K seconds, the",
  "                     targets taking turns (default 3; 1 measures one, then the other)",
  "  --workers W        load-generating processes (default 2)",
  "  --nice N           their scheduling priority (default 10, below the target's; 0 for the same)",
  "  --rounds R         rounds per game (default 5)",
  "  --timer-s S        give each room a round timer of S seconds (30-600; default none), as a",
  "                     facilitator would: the server saves every running timer every 2 s",
  "  --quick            50 rooms for 15 s (explicit flags still win)",
  "  --only T           only one target: server or relay (soak: server only)",
  "  --relay-recovery   give the relay socket.io's connection state recovery",
  "  --cpu-prof         profile the targets (node --cpu-prof) and print their top functions in the window",
  "  --step-s S         saturation: seconds per step (default 15)",
  "  --max-steps K      saturation: steps at most (default 8; each 30 % shorter intervals)",
  "  --refine-steps K   saturation: steps that halve the gap between the last pace under the",
  "                     limit and the first over it (default 2; 0 to keep the 30 % steps)",
  "  --p99-ms MS        saturation: the ack p99 that counts as saturated, in two tries of a step (default 100)",
  "  --warmup-s S       load and saturation: unmeasured seconds at the (first) pace before the",
  "                     window, so that the rooms' rounds drift apart (they all start together)",
  "                     and the target's code is warm (default 30; --quick 5)",
].join("\n");

type Part = "load" | "saturation" | "soak";

function parseOptions(args: readonly string[], part: Part): Options {
  const given = parseBenchOptions(args, {
    flags: ["quick", "relay-recovery", "cpu-prof"],
    values: [
      "rooms",
      "seats",
      "interval-ms",
      "duration-s",
      "workers",
      "nice",
      "rounds",
      "timer-s",
      "only",
      "step-s",
      "max-steps",
      "refine-steps",
      "p99-ms",
      "warmup-s",
      "repeats",
    ],
    usage: LOAD_USAGE,
  });
  const quick = given.has("quick");
  const int = given.int;
  const only = given.get("only");
  if (only !== undefined && only !== "server" && only !== "relay")
    throw new Error(`--only must be server or relay, got "${String(only)}"`);
  const seats = int("seats", 8, 1, 8);
  return {
    rooms: int("rooms", quick ? 50 : 250, 1, 5_000),
    seats,
    teamSize: 8,
    intervalMs: int("interval-ms", 2_000, 10, 600_000),
    durationS: int("duration-s", part === "soak" ? 600 : quick ? 15 : 60, 1, 24 * 3_600),
    workers: int("workers", 2, 1, 64),
    nice: int("nice", LOAD_GENERATOR_NICE, 0, 19),
    rounds: int("rounds", 5, 1, 12),
    timerS: given.has("timer-s") ? int("timer-s", 120, 30, 600) : null,
    targets: part === "soak" ? ["server"] : only ? [only] : ["server", "relay"],
    relayRecovery: given.has("relay-recovery"),
    cpuProf: given.has("cpu-prof"),
    stepS: int("step-s", quick ? 8 : 15, 2, 600),
    maxSteps: int("max-steps", 8, 1, 30),
    refineSteps: int("refine-steps", 2, 0, 10),
    p99Ms: int("p99-ms", SATURATION_P99_MS, 1, 60_000),
    warmupS: int("warmup-s", quick ? 5 : 30, 0, 3_600),
    repeats: int("repeats", 3, 1, 60),
  };
}

// ─── /proc ────────────────────────────────────────────────────────────────────

/** The whole machine's jiffies: busy (steal not included), stolen by the hypervisor, and all. */
function machineTicks(): { busy: number; steal: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const steal = values[7] ?? 0;
  return { busy: total - idle - steal, steal, total };
}

/** This process's monotonic clock in µs: the clock V8 stamps its CPU profiles with (on Linux). */
function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

interface Sampler {
  /** CPU % of one core, per second, while a window was open. */
  cpuPercent: number[];
  /** Resident memory each second while a window was open: seconds into the window, bytes. */
  rss: [number, number][];
  peakRss: number;
  /** The peak of the processes' RSS summed plainly (the files they share counted in each). */
  peakSummedRss: number;
  stop(): void;
}

function sample(pid: number, windowStart: () => number | null): Sampler {
  const sampler: Sampler = {
    cpuPercent: [],
    rss: [],
    peakRss: 0,
    peakSummedRss: 0,
    stop: () => clearInterval(timer),
  };
  let last = treeCpuSeconds(pid) ?? 0;
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const cpu = treeCpuSeconds(pid);
    const rss = treeRssBytes(pid);
    const now = performance.now();
    const started = windowStart();
    if (started !== null) {
      if (rss !== null) {
        sampler.peakRss = Math.max(sampler.peakRss, rss);
        sampler.peakSummedRss = Math.max(sampler.peakSummedRss, treeSummedRssBytes(pid) ?? 0);
        sampler.rss.push([(now - started) / 1000, rss]);
      }
      if (cpu !== null) sampler.cpuPercent.push(((cpu - last) / ((now - lastAt) / 1000)) * 100);
    }
    if (cpu !== null) last = cpu;
    lastAt = now;
  }, 1_000);
  return sampler;
}

// ─── processes ────────────────────────────────────────────────────────────────

function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

// ─── a target under load ──────────────────────────────────────────────────────

/** One measuring window. */
interface Measured {
  target: Target;
  intervalMs: number;
  windowS: number;
  setupS: number;
  sockets: number;
  results: WorkerResult[];
  cpuPercent: number[];
  cpuSecondsInWindow: number;
  peakRss: number;
  peakSummedRss: number;
  /** Resident memory when the window opened, and each second of it. */
  rssAtStart: number;
  rss: [number, number][];
  workerCpuSeconds: number;
  machineBusyPercent: number;
  machineStealPercent: number;
  /** The window(s) in the target's CPU profile's clock (µs). */
  profileWindows: { from: number; to: number }[];
  /** The server's garbage collections in the window, from its `/metrics` (null for the relay). */
  gc: GcTotals | null;
}

/**
 * Collections and their pauses, summed by kind (prom-client's `nodejs_gc_duration_seconds`): minor
 * ones, and full ones with their incremental marking steps.
 */
interface GcTotals {
  minor: number;
  minorS: number;
  major: number;
  majorS: number;
}

/** The server's collections so far, read from its `/metrics`; null if it cannot be read. */
async function gcTotals(url: string): Promise<GcTotals | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const read = (what: "sum" | "count", kind: string) => {
      const line = text
        .split("\n")
        .find((l) => l.startsWith(`boxless_nodejs_gc_duration_seconds_${what}{kind="${kind}"}`));
      return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
    };
    return {
      minor: read("count", "minor"),
      minorS: read("sum", "minor"),
      major: read("count", "major"),
      // A full collection's marking steps on the main thread are entries of their own.
      majorS: read("sum", "major") + read("sum", "incremental"),
    };
  } catch {
    return null;
  }
}

/** `a` and `b` added field by field (`sign` -1: what `b` adds to `a`, for two readings). */
function gcPlus(a: GcTotals, b: GcTotals, sign = 1): GcTotals {
  return {
    minor: a.minor + sign * b.minor,
    minorS: a.minorS + sign * b.minorS,
    major: a.major + sign * b.major,
    majorS: a.majorS + sign * b.majorS,
  };
}

/** A target process with its rooms set up in the workers, ready for windows one after another. */
interface Harness {
  target: Target;
  url: string;
  pid: number;
  setupS: number;
  sockets: number;
  window(intervalMs: number, durationS: number, onSecond?: (seconds: number) => void): Promise<Measured>;
  /**
   * Stop everything; the server's log checked against every window's acked actions; the profile
   * over the `profiled` windows (all of them unless given).
   */
  close(
    windows: Measured[],
    profiled?: Measured[],
  ): Promise<{ log: { logged: number; matched: number } | null; profile: string | null }>;
}

async function startHarness(target: Target, options: Options, cleanups: Set<() => void>): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `boxless-load-${target}-`));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  cleanups.add(removeDir);
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  cleanups.add(killAll);
  const release = () => {
    killAll();
    cleanups.delete(killAll);
    removeDir();
    cleanups.delete(removeDir);
  };
  try {
    const port = await freePort();
    const profileDir = path.join(dataDir, "profile");
    const profiling = options.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
    // Both run with the Node flags `npm start` gives the server: the same runtime, the same heap
    // sizes. The server runs its bundle, as `npm start` does; the relay is TypeScript run by tsx.
    const args = target === "server" ? serverArgs() : [...serverNodeFlags(), "--import", "tsx", RELAY_FILE];
    const targetProcess = spawn(process.execPath, [...profiling, ...args], {
      cwd: root,
      env: serverEnv(port, dataDir, { RELAY_RECOVERY: options.relayRecovery ? "1" : "0" }),
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(targetProcess);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, targetProcess, target);
    const pid = targetProcess.pid as number;

    let windowStart: number | null = null;
    const sampler = sample(pid, () => windowStart);
    cleanups.add(sampler.stop);

    const workers = forkWorkers(WORKER_FILE, options.workers, "advanced", options.nice);
    children.push(...workers);
    const setupStarted = performance.now();
    for (const [w, worker] of workers.entries()) {
      const rooms: number[] = [];
      for (let r = w; r < options.rooms; r += options.workers) rooms.push(r);
      worker.send({
        type: "setup",
        target,
        url,
        worker: w,
        rooms,
        seats: options.seats,
        teamSize: options.teamSize,
        rounds: options.rounds,
        timerS: options.timerS,
        intervalMs: options.intervalMs,
      } satisfies ToWorker);
    }
    const ready: WorkerReady[] = await collect<FromWorker, "ready">(workers, "ready", SETUP_TIMEOUT_MS);
    const setupS = (performance.now() - setupStarted) / 1000;
    const sockets = ready.reduce((n, r) => n + r.sockets, 0);
    await sleep(500); // let the last joins' pushes settle

    const workerCpu = () => workers.reduce((sum, w) => sum + (cpuSeconds(w.pid as number) ?? 0), 0);

    return {
      target,
      url,
      pid,
      setupS,
      sockets,
      async window(intervalMs, durationS, onSecond) {
        sampler.cpuPercent = [];
        sampler.rss = [];
        sampler.peakRss = 0;
        sampler.peakSummedRss = 0;
        const gcAtGo = target === "server" ? await gcTotals(url) : null;
        const rssAtStart = treeRssBytes(pid) ?? 0;
        const cpuAtGo = treeCpuSeconds(pid) ?? 0;
        const workerCpuAtGo = workerCpu();
        const machineAtGo = machineTicks();
        const started = performance.now();
        const profileWindow = { from: monotonicMicros(), to: 0 };
        windowStart = started;
        for (const worker of workers) worker.send({ type: "go", intervalMs } satisfies ToWorker);
        for (let s = 1; s <= durationS; s++) {
          await sleep(started + s * 1000 - performance.now());
          onSecond?.(s);
        }
        const windowS = (performance.now() - started) / 1000;
        profileWindow.to = monotonicMicros();
        const cpuSecondsInWindow = (treeCpuSeconds(pid) ?? 0) - cpuAtGo;
        const workerCpuSeconds = workerCpu() - workerCpuAtGo;
        const machineAtStop = machineTicks();
        const gcAtStop = target === "server" ? await gcTotals(url) : null;
        const gc = gcAtGo && gcAtStop ? gcPlus(gcAtStop, gcAtGo, -1) : null;
        windowStart = null;
        for (const worker of workers) worker.send({ type: "stop", drainMs: DRAIN_MS } satisfies ToWorker);
        const results = await collect<FromWorker, "result">(workers, "result", DRAIN_MS + 20_000);
        const machineTotal = Math.max(1, machineAtStop.total - machineAtGo.total);
        return {
          target,
          intervalMs,
          windowS,
          setupS,
          sockets,
          results,
          cpuPercent: [...sampler.cpuPercent],
          cpuSecondsInWindow,
          peakRss: sampler.peakRss,
          peakSummedRss: sampler.peakSummedRss,
          rssAtStart,
          rss: [...sampler.rss],
          workerCpuSeconds,
          machineBusyPercent: ((machineAtStop.busy - machineAtGo.busy) / machineTotal) * 100,
          machineStealPercent: ((machineAtStop.steal - machineAtGo.steal) / machineTotal) * 100,
          profileWindows: [profileWindow],
          gc,
        };
      },
      async close(windows, profiled = windows) {
        try {
          sampler.stop();
          cleanups.delete(sampler.stop);
          for (const worker of workers) worker.send({ type: "exit" } satisfies ToWorker);
          await Promise.all(workers.map((w) => stopProcess(w, "SIGTERM", 5_000)));
          await stopProcess(targetProcess, "SIGTERM", 15_000);
          const log =
            target === "server"
              ? countLogged(
                  dataDir,
                  windows.flatMap((m) => m.results),
                )
              : null;
          const measuredWindows = profiled.flatMap((m) => m.profileWindows);
          const profile =
            options.cpuProf && measuredWindows.length > 0
              ? summarizeProfile(profileDir, target, measuredWindows)
              : null;
          return { log, profile };
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Player-action entries in the server's log (every process's SQLite file), and how many of them
 * carry an id a worker saw acked.
 */
function countLogged(dataDir: string, results: WorkerResult[]): { logged: number; matched: number } {
  const acked = new Set<string>();
  for (const r of results) for (const id of r.ackedIds) acked.add(id);
  let logged = 0;
  let matched = 0;
  for (const name of fs.readdirSync(dataDir).filter((n) => /^boxless.*\.sqlite$/.test(n))) {
    const db = new Database(path.join(dataDir, name), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT action_id FROM actions WHERE actor LIKE 'seat:%'").pluck().iterate();
      for (const id of rows as Iterable<string | null>) {
        logged++;
        if (id !== null && acked.has(id)) matched++;
      }
    } finally {
      db.close();
    }
  }
  return { logged, matched };
}

// ─── the CPU profile ──────────────────────────────────────────────────────────

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * A target's busiest functions from its .cpuprofile, in the measured window only (not set-up or
 * drain): self time and time including callees. The profile samples wall-clock time, so a process
 * preempted inside a system call (writev, with other processes wanting the CPU) shows that time
 * there: read the shares against "target CPU s", not as CPU time.
 */
function summarizeProfile(
  dir: string,
  target: Target,
  windows: readonly { from: number; to: number }[],
): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (files.length === 0) return `no profile was written for the ${target}`;
  const biggest = files
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0] as string;
  // Kept for a closer look (Chrome DevTools → Performance → Load profile).
  const kept = path.join(os.tmpdir(), `boxless-${target}-${Date.now()}.cpuprofile`);
  fs.copyFileSync(biggest, kept);
  const profile = JSON.parse(fs.readFileSync(biggest, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, "").replace(`${root}/`, "");
    // Files tsx compiled report line 0: their name is enough.
    const where = file && lineNumber > 0 ? `${file}:${lineNumber + 1}` : file;
    return `${functionName || "(anonymous)"}  ${where}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let stamp = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    stamp += profile.timeDeltas[i] ?? 0;
    if (!windows.some((w) => stamp >= w.from && stamp <= w.to)) continue;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) continue;
    all += ms;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => [`${fmt((ms / all) * 100, 1)} %`, `${fmt(ms / 1000, 2)} s`, k]);
  const skip = /^\((root|program|idle|garbage collector)\)|^\(anonymous\)\s*$/;
  const totalRows = top(new Map([...total].filter(([k]) => !skip.test(k))), 25);
  return [
    `${target} CPU profile (${fmt(all / 1000, 1)} s of wall time sampled in the measured window(s); the whole run is in ${kept})`,
    "Self time",
    table([["share", "time", "function"], ...top(self, 25)], true),
    "",
    "Including callees",
    table([["share", "time", "function"], ...totalRows], true),
  ].join("\n");
}

// ─── the report ───────────────────────────────────────────────────────────────

function merged(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out.sort();
}

/**
 * Several windows of one target as one: counts, CPU seconds and seconds added up, the workers'
 * results and latencies pooled (so a p99 is over every sample), memory at its peak, the machine's
 * busy and stolen shares weighted by time.
 */
function combined(windows: readonly Measured[]): Measured {
  const [first] = windows;
  if (!first) throw new Error("no window to combine");
  const seconds = windows.reduce((n, m) => n + m.windowS, 0);
  const weighted = (pick: (m: Measured) => number) =>
    windows.reduce((n, m) => n + pick(m) * m.windowS, 0) / Math.max(seconds, 1e-9);
  return {
    ...first,
    windowS: seconds,
    results: windows.flatMap((m) => m.results),
    cpuPercent: windows.flatMap((m) => m.cpuPercent),
    cpuSecondsInWindow: windows.reduce((n, m) => n + m.cpuSecondsInWindow, 0),
    peakRss: Math.max(...windows.map((m) => m.peakRss)),
    peakSummedRss: Math.max(...windows.map((m) => m.peakSummedRss)),
    rss: windows.flatMap((m) => m.rss),
    workerCpuSeconds: windows.reduce((n, m) => n + m.workerCpuSeconds, 0),
    machineBusyPercent: weighted((m) => m.machineBusyPercent),
    machineStealPercent: weighted((m) => m.machineStealPercent),
    profileWindows: windows.flatMap((m) => m.profileWindows),
    gc: windows.every((m) => m.gc)
      ? windows.reduce((sum, m) => gcPlus(sum, m.gc as GcTotals), {
          minor: 0,
          minorS: 0,
          major: 0,
          majorS: 0,
        })
      : null,
  };
}

const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
const ms = (n: number) => (Number.isNaN(n) ? "–" : fmt(n, 1));

/** The figures of a window every report uses. */
function figures(m: Measured) {
  const sum = (pick: (r: WorkerResult) => number) => m.results.reduce((n, r) => n + pick(r), 0);
  const acked = sum((r) => r.actionsOk);
  const ack = merged(m.results.map((r) => r.ackMs));
  const fanout = merged(m.results.map((r) => r.fanoutMs));
  const errors = new Map<string, number>();
  for (const r of m.results)
    for (const [k, n] of Object.entries(r.errors)) errors.set(k, (errors.get(k) ?? 0) + n);
  return {
    sum,
    acked,
    rate: acked / m.windowS,
    ack,
    fanout,
    errors,
    errorCount: [...errors.values()].reduce((a, b) => a + b, 0),
    cpuPercent: (m.cpuSecondsInWindow / m.windowS) * 100,
    cpuPerThousand: acked > 0 ? (m.cpuSecondsInWindow * 1e6) / acked : Number.NaN,
    workerCpuPercent: (m.workerCpuSeconds / m.windowS) * 100,
  };
}

function column(
  m: Measured,
  options: Options,
  log: { logged: number; matched: number } | null,
  warmup: Measured | null = null,
): Map<string, string> {
  const f = figures(m);
  const w = warmup ? figures(warmup) : null;
  const { sum, acked, ack, fanout } = f;
  const out = new Map<string, string>();
  out.set("player actions acked", fmt(acked));
  out.set("actions/s (acked)", fmt(f.rate, 1));
  out.set("  offered: players / interval", fmt((options.rooms * options.seats * 1000) / m.intervalMs));
  out.set("expected refusals", fmt(sum((r) => r.refusedExpected)));
  out.set("ack p50 ms", ms(percentile(ack, 50)));
  out.set("ack p95 ms", ms(percentile(ack, 95)));
  out.set("ack p99 ms", ms(percentile(ack, 99)));
  out.set("ack max ms", ms(ack[ack.length - 1] ?? Number.NaN));
  out.set("fan-out p50 ms", ms(percentile(fanout, 50)));
  out.set("fan-out p95 ms", ms(percentile(fanout, 95)));
  out.set("fan-out p99 ms", ms(percentile(fanout, 99)));
  out.set("fan-out samples", fmt(fanout.length));
  out.set("target CPU % avg (of one core)", fmt(f.cpuPercent, 1));
  out.set("target CPU % max 1-s sample", fmt(Math.max(0, ...m.cpuPercent), 1));
  out.set("target CPU s in window", fmt(m.cpuSecondsInWindow, 2));
  out.set("target CPU ms / 1,000 actions", Number.isNaN(f.cpuPerThousand) ? "–" : fmt(f.cpuPerThousand, 0));
  out.set("target RSS MB at start / peak", `${mb(m.rssAtStart)} / ${mb(m.peakRss)}`);
  // Several processes: the plain sum too (each counts the files they all map, `node` itself).
  if (m.peakSummedRss > m.peakRss + 1024 * 1024)
    out.set("  its processes' RSS summed plainly, peak", mb(m.peakSummedRss));
  // From the server's own /metrics (the relay has none).
  out.set(
    "GC pause ms / 1,000 actions (minor · full)",
    m.gc && acked > 0
      ? `${fmt((m.gc.minorS * 1e6) / acked, 1)} · ${fmt((m.gc.majorS * 1e6) / acked, 1)}`
      : "n/a",
  );
  out.set(
    "  minor collections, average pause ms",
    m.gc && m.gc.minor > 0 ? `${fmt(m.gc.minor)}, ${fmt((m.gc.minorS * 1000) / m.gc.minor, 1)}` : "n/a",
  );
  out.set("load generators CPU % (sum)", fmt(f.workerCpuPercent, 1));
  // The workers time acks and pushes on their own event loops: a busy worker times them late.
  const worst = (pick: (r: WorkerResult) => number) => Math.max(...m.results.map(pick));
  out.set(
    "  their loop delay p99 / max ms (worst)",
    `${ms(worst((r) => r.loopDelayMs.p99))} / ${ms(worst((r) => r.loopDelayMs.max))}`,
  );
  out.set("machine CPU busy % (all processes)", fmt(m.machineBusyPercent, 1));
  out.set("machine CPU stolen % (hypervisor)", fmt(m.machineStealPercent, 1));
  out.set("pushes received/s", fmt(sum((r) => r.pushes) / m.windowS, 0));
  const sampled = sum((r) => r.pushSamples);
  out.set("push size avg bytes (1 in 50)", sampled > 0 ? fmt(sum((r) => r.pushBytesSampled) / sampled) : "–");
  out.set("pushes before their attach ack", fmt(sum((r) => r.earlyPushes)));
  out.set("sockets moved to another process", fmt(sum((r) => r.moved)));
  out.set("controls acked (start, next)", fmt(sum((r) => r.controlsOk)));
  out.set(
    "games finished / rooms opened",
    `${fmt(sum((r) => r.gamesFinished))} / ${fmt(sum((r) => r.roomsOpened))}`,
  );
  const ticks = sum((r) => r.ticks.acted + r.ticks.idle + r.ticks.busy);
  out.set(
    "ticks acted / idle / busy %",
    ticks > 0
      ? [sum((r) => r.ticks.acted), sum((r) => r.ticks.idle), sum((r) => r.ticks.busy)]
          .map((n) => fmt((n / ticks) * 100, 0))
          .join(" / ")
      : "–",
  );
  out.set("errors", fmt(f.errorCount));
  if (warmup && w) {
    out.set("unmeasured warm-up (s)", fmt(warmup.windowS, 0));
    out.set(
      "  its ack p99 / fan-out p99 ms",
      `${ms(percentile(w.ack, 99))} / ${ms(percentile(w.fanout, 99))}`,
    );
    out.set("  its errors", fmt(w.errorCount));
  }
  // Over the warm-up too: every action acked since the start must be in the log.
  const ackedSinceStart = acked + (w?.acked ?? 0);
  out.set(
    warmup ? "acked vs logged (warm-up + window)" : "acked vs logged",
    log
      ? `${fmt(ackedSinceStart)} vs ${fmt(log.matched)}${log.matched === ackedSinceStart ? " ✓" : " ✗"}${log.logged !== log.matched ? ` (+${fmt(log.logged - log.matched)} unacked in log)` : ""}`
      : "n/a (no log)",
  );
  out.set("setup s (sockets)", `${fmt(m.setupS, 1)} (${fmt(m.sockets)})`);
  return out;
}

function errorTables(measured: Measured[]): string[] {
  const lines: string[] = [];
  for (const m of measured) {
    const { errors } = figures(m);
    if (errors.size > 0)
      lines.push(
        "",
        `Errors (${m.target}, interval ${fmt(m.intervalMs)} ms)`,
        table([...errors.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n)])),
      );
  }
  return lines;
}

/** The two targets side by side, and the figures that matter: the ratios. */
function report(
  measured: Measured[],
  logs: ({ logged: number; matched: number } | null)[],
  options: Options,
  warmups: (Measured | null)[] = [],
): string {
  const columns = measured.map((m, i) => column(m, options, logs[i] ?? null, warmups[i] ?? null));
  const labels = [...(columns[0]?.keys() ?? [])];
  const rows = [
    ["", ...measured.map((m) => m.target)],
    ...labels.map((label) => [label, ...columns.map((c) => c.get(label) ?? "")]),
  ];
  const lines = [table(rows)];
  const server = measured.find((m) => m.target === "server");
  const relay = measured.find((m) => m.target === "relay");
  if (server && relay) {
    const s = figures(server);
    const r = figures(relay);
    lines.push(
      "",
      table(
        [
          ["server / relay", ""],
          ["CPU per action", `${fmt(s.cpuPerThousand / r.cpuPerThousand, 2)} ×`],
          ["ack p99", `${fmt(percentile(s.ack, 99) / percentile(r.ack, 99), 2)} ×`],
          ["acked actions/s", `${fmt(s.rate / r.rate, 2)} ×`],
        ],
        true,
      ),
    );
  }
  lines.push(...errorTables(measured));
  return lines.join("\n");
}

// ─── the parts ────────────────────────────────────────────────────────────────

function header(title: string, options: Options, extra: string[][] = []): string {
  const players = options.rooms * options.seats;
  return [
    title,
    table(
      [
        ["command", `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim()],
        [
          "load",
          `${fmt(options.rooms)} rooms × (${options.seats} players + host + facilitator) = ${fmt(players)} players, ${fmt(options.rooms * (options.seats + 2))} sockets`,
        ],
        [
          "pace",
          `one action per player every ${fmt(options.intervalMs)} ms on average (±50%) while it has something to do; ${options.rounds}-round games${options.timerS ? ` with a ${options.timerS} s round timer` : ""}, a finished game is replaced by a new room`,
        ],
        ...extra,
        ["targets", options.targets.join(", ")],
        [
          "server",
          process.env.WORKERS
            ? `WORKERS=${process.env.WORKERS}: a router and that many processes (CPU: their sum; RSS: theirs, with the pages of files they share once)`
            : "one process (WORKERS not set)",
        ],
        ["node", [process.version, ...serverNodeFlags()].join(" ")],
        ...machineRows(),
      ],
      true,
    ),
    `  note: the ${options.workers} load-generating process(es) run on the same ${os.cpus().length}-core machine and compete`,
    `  with the target for CPU (at nice ${options.nice}${options.nice > 0 ? ", below the target's" : ""}); latencies include the workers'`,
    "  own queueing (see their CPU % below).",
    "",
  ].join("\n");
}

/** Run `body` with Ctrl-C cleaning up whatever the harnesses started. */
async function withCleanup(body: (cleanups: Set<() => void>) => Promise<void>): Promise<void> {
  const cleanups = new Set<() => void>();
  const stopWatching = cleanUpOnInterrupt(() => {
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // keep cleaning
      }
    }
  });
  try {
    await body(cleanups);
  } finally {
    stopWatching();
  }
}

export async function runLoadBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args, "load");
  console.log(
    header("Load bench", options, [
      [
        "window",
        `${options.durationS} s per target${options.repeats > 1 && options.targets.length > 1 ? ` in ${options.repeats} windows of ${Math.max(1, Math.round(options.durationS / options.repeats))} s, the targets taking turns (each window after ${Math.min(REWARM_S, options.warmupS)} s of unmeasured play again),` : ""} after setup and ${options.warmupS} s of unmeasured warm-up at the same pace; ${options.workers} worker process(es)`,
      ],
    ]),
  );
  await withCleanup(async (cleanups) => {
    // Every target is set up and warmed up first; then they take turns, one window each, so that
    // a machine that gets busier or quieter over the run weighs on all of them alike.
    const runs: { harness: Harness; warmup: Measured | null; rewarms: Measured[]; windows: Measured[] }[] =
      [];
    for (const target of options.targets) {
      console.log(`setting up the ${target}…`);
      const harness = await startHarness(target, options, cleanups);
      // Every room starts its game at once: the warm-up lets their rounds drift apart (as 250
      // separate workshops' would be) and the target's code warm up, as on a server that has run.
      const warmup = options.warmupS > 0 ? await harness.window(options.intervalMs, options.warmupS) : null;
      runs.push({ harness, warmup, rewarms: [], windows: [] });
    }
    const windowS = Math.max(1, Math.round(options.durationS / options.repeats));
    // A target that sat idle while another was measured plays a while again before its window:
    // idle, V8 shrinks the young generation and the caches go cold, and the first seconds back
    // would be measured as the target's own.
    const rewarmS = runs.length > 1 ? Math.min(REWARM_S, options.warmupS) : 0;
    for (let turn = 1; turn <= options.repeats; turn++)
      for (const run of runs) {
        console.log(`window ${turn} of ${options.repeats}: the ${run.harness.target}…`);
        if (rewarmS > 0) run.rewarms.push(await run.harness.window(options.intervalMs, rewarmS));
        run.windows.push(await run.harness.window(options.intervalMs, windowS));
      }
    const measured: Measured[] = [];
    const warmups: (Measured | null)[] = [];
    const logs: ({ logged: number; matched: number } | null)[] = [];
    const profiles: string[] = [];
    for (const { harness, warmup, rewarms, windows } of runs) {
      const all = [...windows, ...(warmup ? [warmup] : []), ...rewarms];
      const { log, profile } = await harness.close(all, windows);
      measured.push(combined(windows));
      // The unmeasured play (warm-up and re-warms) is reported as one, for its p99s and the log.
      warmups.push(warmup ? combined([warmup, ...rewarms]) : null);
      logs.push(log);
      if (profile) profiles.push(profile);
    }
    console.log(`\n${report(measured, logs, options, warmups)}`);
    if (options.repeats > 1) console.log(`\n${turnTable(runs)}`);
    for (const profile of profiles) console.log(`\n${profile}`);
  });
}

/** Each turn's CPU per 1,000 actions and ack p99 per target: how much the machine moved under the run. */
function turnTable(runs: { harness: Harness; windows: Measured[] }[]): string {
  const turns = Math.max(...runs.map((r) => r.windows.length));
  const rows = [["window", ...runs.map((r) => `${r.harness.target} CPU ms / 1,000 · ack p99 ms`)]];
  for (let i = 0; i < turns; i++)
    rows.push([
      String(i + 1),
      ...runs.map(({ windows }) => {
        const w = windows[i];
        if (!w) return "";
        const f = figures(w);
        return `${fmt(f.cpuPerThousand, 0)} · ${ms(percentile(f.ack, 99))}`;
      }),
    ]);
  return ["Each window by itself (the figures above pool them):", table(rows, true)].join("\n");
}

export async function runSaturationBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args, "saturation");
  console.log(
    header("Saturation bench", options, [
      [
        "steps",
        `${options.warmupS} s of warm-up, then ${options.stepS} s each, intervals from ${fmt(options.intervalMs)} ms down by 30 % a step, until the ack p99 passes ${options.p99Ms} ms in two tries of a step (at most ${options.maxSteps} steps); then ${options.refineSteps} step(s) halving the gap; each step after ${REFINE_SETTLE_S} s unmeasured at its pace when the targets take turns (else the refining ones only)`,
      ],
    ]),
  );
  await withCleanup(async (cleanups) => {
    // Every target is set up and warmed up first; then their ramps take turns, one step each, so
    // that a machine that gets busier or quieter over the run weighs on all of them alike.
    const ramps: { target: Target; steps: AsyncGenerator<void, string[]> }[] = [];
    for (const target of options.targets) {
      console.log(`setting up the ${target}…`);
      const harness = await startHarness(target, options, cleanups);
      // Unmeasured: every room started at once; a while at the first pace lets their rounds drift apart.
      const warmup = options.warmupS > 0 ? await harness.window(options.intervalMs, options.warmupS) : null;
      ramps.push({ target, steps: ramp(harness, warmup, options, options.targets.length > 1) });
    }
    const summary = new Map<Target, string[]>();
    while (summary.size < ramps.length)
      for (const { target, steps } of ramps) {
        if (summary.has(target)) continue;
        const next = await steps.next();
        if (next.done) summary.set(target, next.value);
      }
    const rows = [
      [
        "target",
        "saturation: acked/s with p99 ≤ limit",
        "next step: acked/s, p99 ms",
        "CPU ms / 1,000 at the point",
      ],
      ...ramps.map(({ target }) => summary.get(target) as string[]),
    ];
    console.log(`\nSaturation (ack p99 > ${options.p99Ms} ms)\n${table(rows, true)}`);
  });
}

/**
 * One target's ramp: a step at a time (yielding after each), the pace up by 30 % a step until the
 * ack p99 passes the limit, then the refining steps. When targets take turns every step starts
 * with a few unmeasured seconds at its pace. Prints the target's steps and returns its summary row.
 */
async function* ramp(
  harness: Harness,
  warmup: Measured | null,
  options: Options,
  takingTurns: boolean,
): AsyncGenerator<void, string[]> {
  const { target } = harness;
  const steps: Measured[] = [];
  const header = [
    "interval ms",
    "offered/s",
    "acked/s",
    "ack p50",
    "p95",
    "p99",
    "fan-out p99",
    "CPU %",
    "CPU ms/1,000",
    "workers CPU %",
    "machine busy %",
    "errors",
  ];
  const rows: string[][] = [header];
  let best = null as Measured | null;
  let over = null as Measured | null;
  /** The fastest pace (shortest interval) under the limit, and the slowest over it. */
  let passed = null as number | null;
  /** Windows not measured (a refining step's settling), counted only for acked vs logged. */
  const unmeasured: Measured[] = [];
  const measure = async (interval: number, refining: boolean, again: boolean): Promise<boolean> => {
    // After another target's step (it sat idle) or a faster pace's backlog: a few seconds unmeasured.
    if (refining || again || takingTurns) unmeasured.push(await harness.window(interval, REFINE_SETTLE_S));
    const m = await harness.window(interval, options.stepS);
    steps.push(m);
    const f = figures(m);
    const p99 = percentile(f.ack, 99);
    rows.push([
      `${fmt(m.intervalMs)}${refining ? " (refining)" : ""}${again ? " (again)" : ""}`,
      fmt((options.rooms * options.seats * 1000) / m.intervalMs),
      fmt(f.rate, 0),
      ms(percentile(f.ack, 50)),
      ms(percentile(f.ack, 95)),
      ms(p99),
      ms(percentile(f.fanout, 99)),
      fmt(f.cpuPercent, 0),
      fmt(f.cpuPerThousand, 0),
      fmt(f.workerCpuPercent, 0),
      fmt(m.machineBusyPercent, 0),
      fmt(f.errorCount),
    ]);
    console.log(`${target.padEnd(6)} ${table(rows.slice(-1))}`);
    if (p99 > options.p99Ms || Number.isNaN(p99)) {
      if (again && (!over || m.intervalMs > over.intervalMs)) over = m;
      return false;
    }
    if (!best || f.rate > figures(best).rate) best = m;
    if (passed === null || m.intervalMs < passed) passed = m.intervalMs;
    return true;
  };
  /**
   * A step over the limit is measured once more before it counts as over. Past saturation the
   * backlog only grows, so the second try is over too; below it, one bad 15 s window (a full
   * collection, a wave of rooms opening, the machine) is not: once, on a busy VM, the server's
   * step at 65 % of a core passed 100 ms and ended its ramp at a third of its point.
   */
  async function* step(interval: number, refining: boolean): AsyncGenerator<void, boolean> {
    const under = await measure(interval, refining, false);
    yield;
    if (under) return true;
    const again = await measure(interval, refining, true);
    yield;
    return again;
  }
  let interval = options.intervalMs;
  for (let n = 0; n < options.maxSteps; n++) {
    if (!(yield* step(Math.round(interval), false))) break;
    interval *= 0.7;
  }
  // The 30 % steps only bracket the point: halve the gap (in pace) between the last under the
  // limit and the first over it.
  for (let n = 0; n < options.refineSteps && passed !== null && over; n++) {
    const between = Math.round(Math.sqrt(passed * over.intervalMs));
    if (between >= passed || between <= over.intervalMs) break;
    yield* step(between, true);
  }
  const every = [...(warmup ? [warmup] : []), ...unmeasured, ...steps];
  const { log } = await harness.close(every);
  console.log(`\n${target}\n${table(rows)}`);
  const acked = every.reduce((n, m) => n + figures(m).acked, 0);
  if (log)
    console.log(
      `  acked vs logged over the warm-up and every step: ${fmt(acked)} vs ${fmt(log.matched)}${log.matched === acked ? " ✓" : " ✗"}`,
    );
  for (const line of errorTables(steps)) console.log(line);
  const found = best as Measured | null;
  const passedOver = over as Measured | null;
  return [
    target,
    found
      ? `${fmt(figures(found).rate, 0)} (interval ${fmt(found.intervalMs)} ms)`
      : "– (the first step was over)",
    passedOver
      ? `${fmt(figures(passedOver).rate, 0)}, ${ms(percentile(figures(passedOver).ack, 99))}`
      : "not reached",
    found ? fmt(figures(found).cpuPerThousand, 0) : "–",
  ];
}

export async function runSoakBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args, "soak");
  console.log(
    header("Soak bench", options, [
      ["window", `${fmt(options.durationS)} s against the server, resident memory sampled each second`],
    ]),
  );
  await withCleanup(async (cleanups) => {
    const harness = await startHarness("server", options, cleanups);
    const afterSetup = treeRssBytes(harness.pid) ?? 0;
    console.log(`set up in ${fmt(harness.setupS, 1)} s; RSS ${mb(afterSetup)} MB`);
    const m = await harness.window(options.intervalMs, options.durationS, (s) => {
      if (s % 60 === 0) {
        const rss = treeRssBytes(harness.pid);
        console.log(`  ${fmt(s / 60)} min: RSS ${rss === null ? "–" : mb(rss)} MB`);
      }
    });
    const { log } = await harness.close([m]);
    const f = figures(m);
    const at = (seconds: number) => {
      let best: [number, number] | undefined;
      for (const sample of m.rss)
        if (!best || Math.abs(sample[0] - seconds) < Math.abs(best[0] - seconds)) best = sample;
      return best?.[1] ?? Number.NaN;
    };
    const first = m.rss[0]?.[1] ?? m.rssAtStart;
    const minuteOne = at(60);
    const end = m.rss.at(-1)?.[1] ?? Number.NaN;
    const growth = (from: number) => `${fmt(((end - from) / from) * 100, 1)} %`;
    const minutes: string[][] = [["minute", "RSS MB"]];
    for (let s = 0; s <= options.durationS; s += 60) minutes.push([fmt(s / 60), mb(s === 0 ? first : at(s))]);
    console.log(
      [
        "",
        table(
          [
            [
              "RSS at the start of play / after 1 min / at the end",
              `${mb(first)} / ${mb(minuteOne)} / ${mb(end)} MB`,
            ],
            ["growth from the start of play", growth(first)],
            ["growth from minute 1 (warmed up) to the end", options.durationS > 60 ? growth(minuteOne) : "–"],
            ["peak RSS", `${mb(m.peakRss)} MB`],
            ["actions acked, per second", `${fmt(f.acked)}, ${fmt(f.rate, 1)}`],
            ["ack p50 / p99 ms", `${ms(percentile(f.ack, 50))} / ${ms(percentile(f.ack, 99))}`],
            ["CPU ms / 1,000 actions", fmt(f.cpuPerThousand, 0)],
            [
              "games finished / rooms opened",
              `${fmt(f.sum((r) => r.gamesFinished))} / ${fmt(f.sum((r) => r.roomsOpened))}`,
            ],
            ["errors", fmt(f.errorCount)],
            [
              "acked vs logged",
              log ? `${fmt(f.acked)} vs ${fmt(log.matched)}${log.matched === f.acked ? " ✓" : " ✗"}` : "–",
            ],
          ],
          true,
        ),
        "",
        table(minutes),
        ...errorTables([m]),
      ].join("\n"),
    );
  });
}
