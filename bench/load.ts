/**
 * Load bench: `npm run bench -- load [--rooms N] [--seats M] [--interval-ms MS] [--duration-s S]
 * [--workers W] [--rounds R] [--quick] [--only server|relay] [--relay-recovery] [--cpu-prof]`.
 *
 * Starts the real server in a child process (fresh temporary DATA_DIR, 127.0.0.1 only) and plays
 * complete games against it from `--workers` forked processes (`bench/load/worker.ts`), each holding
 * whole rooms: a facilitator, a host screen (room:watch) and `--seats` players per room. Then the
 * same load against a bare socket.io relay (`bench/relay.ts`, its own process). Prints the two
 * side by side: acked actions per second, ack and fan-out latency, the target's CPU and memory
 * (from /proc, sampled each second), errors, and, for the server, acked player actions against the
 * entries found in its SQLite log afterwards. Everything it starts it stops, also on Ctrl-C.
 *
 * The load generators run on the same machine and compete with the target for CPU: their share is
 * printed too. Latencies are measured in the workers, so they include the workers' own queueing.
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { freePort, startChildServer } from "../server/src/testing/child-server";
import type { FromWorker, Target, ToWorker, WorkerReady, WorkerResult } from "./load/messages";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKER_FILE = path.join(root, "bench/load/worker.ts");
const RELAY_FILE = path.join(root, "bench/relay.ts");
const DRAIN_MS = 10_000;
const SETUP_TIMEOUT_MS = 150_000;

// ─── options ──────────────────────────────────────────────────────────────────

interface Options {
  rooms: number;
  seats: number;
  intervalMs: number;
  durationS: number;
  workers: number;
  rounds: number;
  targets: Target[];
  relayRecovery: boolean;
  cpuProf: boolean;
}

export const LOAD_USAGE = [
  "load options:",
  "  --rooms N          rooms played at once (default 250)",
  "  --seats M          players per room, one team (default 8, at most 8)",
  "  --interval-ms MS   each player's mean time between actions, jittered ±50% (default 2000)",
  "  --duration-s S     measured seconds per target (default 60)",
  "  --workers W        load-generating processes (default 2)",
  "  --rounds R         rounds per game (default 5)",
  "  --quick            50 rooms for 15 s (explicit flags still win)",
  "  --only T           only one target: server or relay",
  "  --relay-recovery   give the relay socket.io's connection state recovery, as the server has",
  "  --cpu-prof         profile the server (node --cpu-prof) and print its top functions",
].join("\n");

function parseOptions(args: readonly string[]): Options {
  const given = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"\n\n${LOAD_USAGE}`);
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (["quick", "relay-recovery", "cpu-prof"].includes(name)) {
      given.set(name, true);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n\n${LOAD_USAGE}`);
    given.set(name, value);
  }
  const known = [
    "rooms",
    "seats",
    "interval-ms",
    "duration-s",
    "workers",
    "rounds",
    "quick",
    "only",
    "relay-recovery",
    "cpu-prof",
  ];
  for (const name of given.keys())
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n\n${LOAD_USAGE}`);
  const quick = given.has("quick");
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = given.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
    return n;
  };
  const only = given.get("only");
  if (only !== undefined && only !== "server" && only !== "relay")
    throw new Error(`--only must be server or relay, got "${String(only)}"`);
  return {
    rooms: int("rooms", quick ? 50 : 250, 1, 5_000),
    seats: int("seats", 8, 1, 8),
    intervalMs: int("interval-ms", 2_000, 10, 600_000),
    durationS: int("duration-s", quick ? 15 : 60, 1, 3_600),
    workers: int("workers", 2, 1, 64),
    rounds: int("rounds", 5, 1, 12),
    targets: only ? [only] : ["server", "relay"],
    relayRecovery: given.has("relay-recovery"),
    cpuProf: given.has("cpu-prof"),
  };
}

// ─── /proc ────────────────────────────────────────────────────────────────────

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // keep 100, Linux's usual value
}

/** CPU seconds (user + system) a process has used, or null when it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

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

interface Sampler {
  /** CPU % of one core, per second, while the window was open. */
  cpuPercent: number[];
  peakRss: number;
  stop(): void;
}

function sample(pid: number, inWindow: () => boolean): Sampler {
  const sampler: Sampler = { cpuPercent: [], peakRss: 0, stop: () => clearInterval(timer) };
  let last = cpuSeconds(pid) ?? 0;
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const cpu = cpuSeconds(pid);
    const rss = rssBytes(pid);
    const now = performance.now();
    if (rss !== null) sampler.peakRss = Math.max(sampler.peakRss, rss);
    if (cpu !== null && inWindow()) sampler.cpuPercent.push(((cpu - last) / ((now - lastAt) / 1000)) * 100);
    if (cpu !== null) last = cpu;
    lastAt = now;
  }, 1_000);
  return sampler;
}

// ─── processes ────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
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

/** Every worker's next message of `type` (or a failure when one reports fatal or exits). */
function collect<T extends FromWorker["type"]>(
  workers: ChildProcess[],
  type: T,
  timeoutMs: number,
): Promise<Extract<FromWorker, { type: T }>[]> {
  return new Promise((resolve, reject) => {
    const got: Extract<FromWorker, { type: T }>[] = [];
    const cleanups: (() => void)[] = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const cleanup of cleanups) cleanup();
      if (err) reject(err);
      else resolve(got);
    };
    const timer = setTimeout(
      () => done(new Error(`workers: no "${type}" within ${timeoutMs / 1000} s (${got.length} answered)`)),
      timeoutMs,
    );
    for (const worker of workers) {
      const onMessage = (message: FromWorker) => {
        if (message.type === "fatal") return done(new Error(`worker ${message.worker}: ${message.message}`));
        if (message.type !== type) return;
        got.push(message as Extract<FromWorker, { type: T }>);
        if (got.length === workers.length) done();
      };
      const onExit = (code: number | null) => done(new Error(`a worker exited (${code}) before "${type}"`));
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      cleanups.push(() => {
        worker.off("message", onMessage);
        worker.off("exit", onExit);
      });
    }
  });
}

// ─── one target ───────────────────────────────────────────────────────────────

interface Measured {
  target: Target;
  windowS: number;
  setupS: number;
  sockets: number;
  results: WorkerResult[];
  cpuPercent: number[];
  cpuSecondsInWindow: number;
  peakRss: number;
  workerCpuSeconds: number;
  machineBusyPercent: number;
  machineStealPercent: number;
  log: { logged: number; matched: number } | null;
  profile: string | null;
}

async function runTarget(target: Target, options: Options, cleanups: Set<() => void>): Promise<Measured> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `boxless-load-${target}-`));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  cleanups.add(removeDir);
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  cleanups.add(killAll);
  try {
    const port = await freePort();
    let targetProcess: ChildProcess;
    let url: string;
    const profileDir = path.join(dataDir, "profile");
    if (target === "server" && !options.cpuProf) {
      const server = await startChildServer(dataDir, port);
      targetProcess = server.process;
      url = server.url;
    } else if (target === "server") {
      // As startChildServer does, plus --cpu-prof (which NODE_OPTIONS may not carry).
      targetProcess = spawn(
        process.execPath,
        [
          "--cpu-prof",
          "--cpu-prof-dir",
          profileDir,
          "--import",
          "tsx",
          path.join(root, "server/src/main.ts"),
        ],
        {
          cwd: root,
          env: {
            ...process.env,
            PORT: String(port),
            HOST: "127.0.0.1",
            DATA_DIR: dataDir,
            LOG_FORMAT: "silent",
          },
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      url = `http://127.0.0.1:${port}`;
    } else {
      targetProcess = spawn(process.execPath, ["--import", "tsx", RELAY_FILE], {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: "127.0.0.1",
          RELAY_RECOVERY: options.relayRecovery ? "1" : "0",
        },
        stdio: ["ignore", "ignore", "inherit"],
      });
      url = `http://127.0.0.1:${port}`;
    }
    children.push(targetProcess);
    await waitHealthy(url, targetProcess, target);
    const pid = targetProcess.pid as number;

    let windowOpen = false;
    const sampler = sample(pid, () => windowOpen);
    cleanups.add(sampler.stop);

    const workers: ChildProcess[] = [];
    for (let w = 0; w < options.workers; w++) {
      const worker = fork(WORKER_FILE, [], {
        cwd: root,
        execArgv: ["--import", "tsx"],
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      workers.push(worker);
      children.push(worker);
    }
    const setupStarted = performance.now();
    for (const [w, worker] of workers.entries()) {
      const rooms: number[] = [];
      for (let r = w; r < options.rooms; r += options.workers) rooms.push(r);
      const message: ToWorker = {
        type: "setup",
        target,
        url,
        worker: w,
        rooms,
        seats: options.seats,
        rounds: options.rounds,
        intervalMs: options.intervalMs,
      };
      worker.send(message);
    }
    const ready: WorkerReady[] = await collect(workers, "ready", SETUP_TIMEOUT_MS);
    const setupS = (performance.now() - setupStarted) / 1000;
    await sleep(500); // let the last joins' pushes settle

    const workerCpu = () => workers.reduce((sum, w) => sum + (cpuSeconds(w.pid as number) ?? 0), 0);
    const cpuAtGo = cpuSeconds(pid) ?? 0;
    const workerCpuAtGo = workerCpu();
    const machineAtGo = machineTicks();
    const started = performance.now();
    windowOpen = true;
    for (const worker of workers) worker.send({ type: "go" } satisfies ToWorker);
    await sleep(options.durationS * 1000);
    const windowS = (performance.now() - started) / 1000;
    const cpuSecondsInWindow = (cpuSeconds(pid) ?? 0) - cpuAtGo;
    const workerCpuSeconds = workerCpu() - workerCpuAtGo;
    const machineAtStop = machineTicks();
    windowOpen = false;

    for (const worker of workers) worker.send({ type: "stop", drainMs: DRAIN_MS } satisfies ToWorker);
    const results = await collect(workers, "result", DRAIN_MS + 20_000);
    sampler.stop();
    for (const worker of workers) worker.send({ type: "exit" } satisfies ToWorker);
    await Promise.all(workers.map((w) => stopProcess(w, "SIGTERM", 5_000)));
    await stopProcess(targetProcess, "SIGTERM", 15_000);

    let log: Measured["log"] = null;
    if (target === "server") log = countLogged(path.join(dataDir, "boxless.sqlite"), results);
    const profile = options.cpuProf && target === "server" ? summarizeProfile(profileDir) : null;
    return {
      target,
      windowS,
      setupS,
      sockets: ready.reduce((n, r) => n + r.sockets, 0),
      results,
      cpuPercent: sampler.cpuPercent,
      cpuSecondsInWindow,
      peakRss: sampler.peakRss,
      workerCpuSeconds,
      machineBusyPercent:
        ((machineAtStop.busy - machineAtGo.busy) / Math.max(1, machineAtStop.total - machineAtGo.total)) *
        100,
      machineStealPercent:
        ((machineAtStop.steal - machineAtGo.steal) / Math.max(1, machineAtStop.total - machineAtGo.total)) *
        100,
      log,
      profile,
    };
  } finally {
    killAll();
    cleanups.delete(killAll);
    removeDir();
    cleanups.delete(removeDir);
  }
}

/** Player-action entries in the server's log, and how many of them carry an id a worker saw acked. */
function countLogged(file: string, results: WorkerResult[]): { logged: number; matched: number } {
  const acked = new Set<string>();
  for (const r of results) for (const id of r.ackedIds) acked.add(id);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    let logged = 0;
    let matched = 0;
    const rows = db.prepare("SELECT action_id FROM actions WHERE actor LIKE 'seat:%'").pluck().iterate();
    for (const id of rows as Iterable<string | null>) {
      logged++;
      if (id !== null && acked.has(id)) matched++;
    }
    return { logged, matched };
  } finally {
    db.close();
  }
}

// ─── the CPU profile ──────────────────────────────────────────────────────────

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The server's busiest functions from its .cpuprofile: self time and time including callees. */
function summarizeProfile(dir: string): string {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (files.length === 0) return "no profile was written";
  const biggest = files
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0] as string;
  const profile = JSON.parse(fs.readFileSync(biggest, "utf8")) as {
    nodes: ProfileNode[];
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
  for (const [i, id] of profile.samples.entries()) {
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
    `Server CPU profile (${fmt(all / 1000, 1)} s sampled, whole run: setup, window and drain)`,
    "Self time",
    table([["share", "time", "function"], ...top(self, 25)], true),
    "",
    "Including callees",
    table([["share", "time", "function"], ...totalRows], true),
  ].join("\n");
}

// ─── the report ───────────────────────────────────────────────────────────────

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: readonly (readonly string[])[], left = false): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  const pad = (cell: string, i: number) =>
    i === 0 || left ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
  return rows.map((row) => `  ${row.map(pad).join("  ")}`.trimEnd()).join("\n");
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function merged(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out.sort();
}

function column(m: Measured, options: Options): Map<string, string> {
  const sum = (pick: (r: WorkerResult) => number) => m.results.reduce((n, r) => n + pick(r), 0);
  const acked = sum((r) => r.actionsOk);
  const ack = merged(m.results.map((r) => r.ackMs));
  const fanout = merged(m.results.map((r) => r.fanoutMs));
  const ms = (n: number) => (Number.isNaN(n) ? "–" : fmt(n, 1));
  const errors = sum((r) => Object.values(r.errors).reduce((a, b) => a + b, 0));
  const cpuAvg = (m.cpuSecondsInWindow / m.windowS) * 100;
  const cpuMax = Math.max(0, ...m.cpuPercent);
  const out = new Map<string, string>();
  out.set("player actions acked", fmt(acked));
  out.set("actions/s (acked)", fmt(acked / m.windowS, 1));
  out.set("  offered: players / interval", fmt((options.rooms * options.seats * 1000) / options.intervalMs));
  out.set("expected refusals", fmt(sum((r) => r.refusedExpected)));
  out.set("ack p50 ms", ms(percentile(ack, 50)));
  out.set("ack p95 ms", ms(percentile(ack, 95)));
  out.set("ack p99 ms", ms(percentile(ack, 99)));
  out.set("ack max ms", ms(ack[ack.length - 1] ?? Number.NaN));
  out.set("fan-out p50 ms", ms(percentile(fanout, 50)));
  out.set("fan-out p95 ms", ms(percentile(fanout, 95)));
  out.set("fan-out p99 ms", ms(percentile(fanout, 99)));
  out.set("fan-out samples", fmt(fanout.length));
  out.set("target CPU % avg (of one core)", fmt(cpuAvg, 1));
  out.set("target CPU % max 1-s sample", fmt(cpuMax, 1));
  out.set("target CPU s in window", fmt(m.cpuSecondsInWindow, 2));
  out.set("target CPU ms / 1,000 actions", acked > 0 ? fmt((m.cpuSecondsInWindow * 1e6) / acked, 0) : "–");
  out.set("target RSS MB peak", fmt(m.peakRss / 1024 / 1024, 1));
  out.set("load generators CPU % (sum)", fmt((m.workerCpuSeconds / m.windowS) * 100, 1));
  out.set("machine CPU busy % (all processes)", fmt(m.machineBusyPercent, 1));
  out.set("machine CPU stolen % (hypervisor)", fmt(m.machineStealPercent, 1));
  out.set("pushes received/s", fmt(sum((r) => r.pushes) / m.windowS, 0));
  const sampled = sum((r) => r.pushSamples);
  out.set("push size avg bytes (1 in 50)", sampled > 0 ? fmt(sum((r) => r.pushBytesSampled) / sampled) : "–");
  out.set("pushes before their attach ack", fmt(sum((r) => r.earlyPushes)));
  out.set("controls acked (start, next)", fmt(sum((r) => r.controlsOk)));
  out.set(
    "games finished / rooms reopened",
    `${fmt(sum((r) => r.gamesFinished))} / ${fmt(sum((r) => r.roomsOpened) - options.rooms)}`,
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
  out.set("errors", fmt(errors));
  out.set(
    "acked vs logged",
    m.log
      ? `${fmt(acked)} vs ${fmt(m.log.matched)}${m.log.matched === acked ? " ✓" : " ✗"}${m.log.logged !== m.log.matched ? ` (+${fmt(m.log.logged - m.log.matched)} unacked in log)` : ""}`
      : "n/a (no log)",
  );
  out.set("setup s (sockets)", `${fmt(m.setupS, 1)} (${fmt(m.sockets)})`);
  return out;
}

function report(measured: Measured[], options: Options): string {
  const columns = measured.map((m) => column(m, options));
  const labels = [...(columns[0]?.keys() ?? [])];
  const rows = [
    ["", ...measured.map((m) => m.target)],
    ...labels.map((label) => [label, ...columns.map((c) => c.get(label) ?? "")]),
  ];
  const lines = [table(rows)];
  for (const m of measured) {
    const errors = new Map<string, number>();
    for (const r of m.results)
      for (const [k, n] of Object.entries(r.errors)) errors.set(k, (errors.get(k) ?? 0) + n);
    if (errors.size > 0)
      lines.push(
        "",
        `Errors (${m.target})`,
        table([...errors.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n)])),
      );
  }
  return lines.join("\n");
}

// ─── the part ─────────────────────────────────────────────────────────────────

export async function runLoadBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args);
  const cpus = os.cpus();
  const players = options.rooms * options.seats;
  console.log(
    [
      "Load bench",
      table(
        [
          ["command", `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim()],
          [
            "load",
            `${fmt(options.rooms)} rooms × (${options.seats} players + host + facilitator) = ${fmt(players)} players, ${fmt(options.rooms * (options.seats + 2))} sockets`,
          ],
          [
            "pace",
            `one action per player every ${fmt(options.intervalMs)} ms on average (±50%) while it has something to do; ${options.rounds}-round games, a finished game is replaced by a new room`,
          ],
          ["window", `${options.durationS} s per target, after setup; ${options.workers} worker process(es)`],
          ["targets", options.targets.join(", ")],
          ["node", process.version],
          ["cpu", `${cpus[0]?.model.trim() ?? "unknown"} × ${cpus.length}`],
        ],
        true,
      ),
      `  note: the ${options.workers} load-generating process(es) run on the same ${cpus.length}-core machine and compete`,
      "  with the target for CPU; latencies include the workers' own queueing (see their CPU % below).",
      "",
    ].join("\n"),
  );

  const cleanups = new Set<() => void>();
  const onSignal = (signal: NodeJS.Signals) => {
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // keep cleaning
      }
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const measured: Measured[] = [];
    for (const target of options.targets) {
      console.log(`running against the ${target}…`);
      measured.push(await runTarget(target, options, cleanups));
    }
    console.log(`\n${report(measured, options)}`);
    for (const m of measured) if (m.profile) console.log(`\n${m.profile}`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
