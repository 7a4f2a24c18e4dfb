/**
 * All-hands bench: `npm run bench -- allhands [--players N] [--team-size T] [--rounds R]
 * [--workers W] [--spread-ms MS]`.
 *
 * One room of a whole company (default 200 players in teams of 5, so 40 teams), with the host
 * screen connected, against the real server in its own process (127.0.0.1, fresh DATA_DIR). The
 * players sit in `--workers` forked processes (`bench/allhands/worker.ts`). Each round, every
 * player chooses a card or two and locks in at a random moment within `--spread-ms`; the last
 * lock-in reveals the round. Printed per round: when every screen (each player's and the host's)
 * showed the reveal, counted from the moment the last lock-in was sent; the size of the push that
 * brought it; ack latencies of the choices and lock-ins; the server's CPU and memory. The target:
 * every reveal within 1 s of the last lock-in.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import { freePort, serverArgs, serverEnv, serverNodeFlags } from "../server/src/testing/child-server";
import { createRoomAt } from "../server/src/testing/harness";
import { applyViewPatch, type PatchOp } from "../shared/src/protocol/patch";
import type { RoomView } from "../shared/src/protocol/views";
import type { FromAllHandsWorker, RoundReport, ToAllHandsWorker } from "./allhands/messages";
import { machineRows } from "./machine";
import { parseBenchOptions } from "./options";
import { cleanUpOnInterrupt, sleep, treeCpuSeconds, treeRssBytes, waitHealthy } from "./processes";
import { fmt, percentile, table } from "./report";
import { collect, forkWorkers, LOAD_GENERATOR_NICE } from "./workers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKER_FILE = path.join(root, "bench/allhands/worker.ts");
const TARGET_MS = 1_000;

interface Options {
  players: number;
  teamSize: number;
  rounds: number;
  workers: number;
  spreadMs: number;
}

export const ALLHANDS_USAGE = [
  "allhands options:",
  "  --players N        players in the one room (default 200)",
  "  --team-size T      seats per team, at most 8 (default 5: 40 teams of 5)",
  "  --rounds R         rounds played and measured (default 3)",
  "  --workers W        processes holding the players (default 2)",
  "  --spread-ms MS     lock-ins spread over this long each round (default 8000)",
].join("\n");

function parseOptions(args: readonly string[]): Options {
  const { int } = parseBenchOptions(args, {
    values: ["players", "team-size", "rounds", "workers", "spread-ms"],
    usage: ALLHANDS_USAGE,
  });
  return {
    players: int("players", 200, 1, 2_000),
    teamSize: int("team-size", 5, 1, 8),
    rounds: int("rounds", 3, 1, 12),
    workers: int("workers", 2, 1, 16),
    spreadMs: int("spread-ms", 8_000, 0, 120_000),
  };
}

const rssMb = (pid: number) => (treeRssBytes(pid) ?? Number.NaN) / 1024 / 1024;

/** The facilitator's socket, keeping its view, to drive the game. */
class Facilitator {
  view: RoomView | null = null;
  private counter = 0;
  constructor(readonly socket: Socket) {
    socket.on("view:patched", (push: { base: number; version: number; ops: PatchOp[] }) => {
      if (this.view && push.base === this.view.version)
        this.view = { ...applyViewPatch(this.view, push.ops as never), version: push.version };
    });
  }
  async request(event: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ack = (await this.socket.timeout(30_000).emitWithAck(event, payload)) as
      | { ok: true; data: Record<string, unknown> }
      | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} — ${ack.error.message}`);
    return ack.data;
  }
  control(event: string): Promise<Record<string, unknown>> {
    return this.request(event, { actionId: `facilitator-${String(++this.counter).padStart(6, "0")}` });
  }
  async waitFor(check: (view: RoomView) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!this.view || !check(this.view)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }
}

export async function runAllHandsBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args);
  const teams = Math.ceil(options.players / options.teamSize);
  console.log(
    [
      "All-hands bench",
      table(
        [
          ["command", `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim()],
          [
            "room",
            `${fmt(options.players)} players in ${teams} teams of ${options.teamSize}, the host screen and the facilitator`,
          ],
          [
            "rounds",
            `${options.rounds}; each player chooses 1–2 cards and locks in at a random moment within ${fmt(options.spreadMs)} ms`,
          ],
          [
            "workers",
            `${options.workers} process(es) holding the players (the first also the host screen), at nice ${LOAD_GENERATOR_NICE}`,
          ],
          [
            "server",
            process.env.WORKERS
              ? `WORKERS=${process.env.WORKERS} (the room is in one of them)`
              : "one process",
          ],
          ["node", [process.version, ...serverNodeFlags()].join(" ")],
          ...machineRows(),
        ],
        true,
      ),
      "",
    ].join("\n"),
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-allhands-"));
  const children: ChildProcess[] = [];
  let facilitatorSocket: Socket | null = null;
  const cleanup = () => {
    facilitatorSocket?.disconnect();
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const stopWatching = cleanUpOnInterrupt(cleanup);
  try {
    const port = await freePort();
    const server = spawn(process.execPath, serverArgs(), {
      cwd: root,
      env: serverEnv(port, dataDir),
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(server);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, server, "server");
    const pid = server.pid as number;
    const { code, facilitatorToken } = await createRoomAt(url, {
      settings: {
        teamSize: options.teamSize,
        fillWithBots: false,
        timerSeconds: null,
        rounds: Math.max(options.rounds, 1),
      },
    });

    facilitatorSocket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      query: { room: code },
    });
    const facilitator = new Facilitator(facilitatorSocket);
    await new Promise<void>((resolve, reject) => {
      facilitatorSocket?.once("connect", () => resolve());
      facilitatorSocket?.once("connect_error", reject);
    });
    const attached = await facilitator.request("room:facilitate", { code, facilitatorToken });
    facilitator.view = (attached.session as { view: RoomView }).view;

    const workers = forkWorkers(WORKER_FILE, options.workers);
    children.push(...workers);
    const setupStarted = performance.now();
    for (const [w, worker] of workers.entries()) {
      const players: number[] = [];
      for (let n = w + 1; n <= options.players; n += options.workers) players.push(n);
      worker.send({ type: "setup", url, code, worker: w, players, host: w === 0 } satisfies ToAllHandsWorker);
    }
    await collect<FromAllHandsWorker, "ready">(workers, "ready", 180_000);
    console.log(
      `${fmt(options.players)} players joined in ${fmt((performance.now() - setupStarted) / 1000, 1)} s; ` +
        `${facilitator.view?.game.teams.length ?? 0} teams; server RSS ${fmt(rssMb(pid), 1)} MB`,
    );

    await facilitator.control("game:start");
    const rows: string[][] = [
      [
        "round",
        "screens",
        "reveal p50 ms",
        "p95",
        "max",
        "within 1 s",
        "reveal push KB",
        "ack p50 ms",
        "ack p99",
        "server CPU s",
        "RSS MB",
        "errors",
      ],
    ];
    let allWithin = true;
    const errors = new Map<string, number>();
    for (let round = 1; round <= options.rounds; round++) {
      await facilitator.waitFor(
        (v) => v.game.round === round && v.game.phase !== "revealed",
        `round ${round}`,
      );
      // Where Community reports is not what this bench is about: the facilitator moves on.
      if (facilitator.view?.game.phase === "reporting") await facilitator.control("round:forceReveal");
      await facilitator.waitFor((v) => v.game.phase === "planning", `planning of round ${round}`);
      await sleep(300);
      const cpuBefore = treeCpuSeconds(pid) ?? Number.NaN;
      for (const worker of workers)
        worker.send({ type: "play", round, spreadMs: options.spreadMs } satisfies ToAllHandsWorker);
      const reports: RoundReport[] = await collect<FromAllHandsWorker, "round">(
        workers,
        "round",
        options.spreadMs + 120_000,
      );
      const cpu = (treeCpuSeconds(pid) ?? Number.NaN) - cpuBefore;
      const lastLock = Math.max(...reports.flatMap((r) => r.lockSentAt));
      const latencies = reports
        .flatMap((r) => r.revealAt.map((x) => (x.at - lastLock) / 1000))
        .sort((a, b) => a - b);
      const missing = reports.flatMap((r) => r.missing);
      const within = latencies.filter((l) => l <= TARGET_MS).length;
      if (within < latencies.length || missing.length > 0) allWithin = false;
      const acks = reports.flatMap((r) => r.ackMs).sort((a, b) => a - b);
      const bytes = reports.flatMap((r) => r.revealBytes).filter((b) => b > 0);
      for (const r of reports)
        for (const [k, n] of Object.entries(r.errors)) errors.set(k, (errors.get(k) ?? 0) + n);
      const roundErrors = reports.reduce((n, r) => n + Object.values(r.errors).reduce((a, b) => a + b, 0), 0);
      rows.push([
        String(round),
        `${fmt(latencies.length)}${missing.length > 0 ? ` (+${missing.length} missing)` : ""}`,
        fmt(percentile(latencies, 50), 0),
        fmt(percentile(latencies, 95), 0),
        fmt(latencies.at(-1) ?? Number.NaN, 0),
        `${fmt(within)} / ${fmt(latencies.length + missing.length)}`,
        bytes.length > 0 ? fmt(bytes.reduce((a, b) => a + b, 0) / bytes.length / 1024, 1) : "–",
        fmt(percentile(acks, 50), 1),
        fmt(percentile(acks, 99), 1),
        fmt(cpu, 2),
        fmt(rssMb(pid), 1),
        fmt(roundErrors),
      ]);
      console.log(table(rows.slice(-1)));
      if (round < options.rounds) await facilitator.control("round:next");
    }
    console.log(`\n${table(rows)}`);
    console.log(
      `\n  reveal: from the moment the last lock-in was sent to the moment each screen's view showed the round revealed` +
        `\n  target: every screen within ${fmt(TARGET_MS)} ms — ${allWithin ? "met ✓" : "NOT met ✗"}`,
    );
    if (errors.size > 0)
      console.log(
        `\nErrors\n${table([...errors.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n)]))}`,
      );
    for (const worker of workers) worker.send({ type: "exit" } satisfies ToAllHandsWorker);
    await sleep(300);
  } finally {
    stopWatching();
    cleanup();
  }
}
