/**
 * The processes of a server of several (`WORKERS`): the main process only routes connections
 * (router.ts); it forks one worker process per share of the rooms, hands each the connections for
 * its rooms, asks them for their figures, and starts a worker again if it dies (its rooms come
 * back from its own SQLite file). A worker whose main process is gone exits.
 */
import { type ChildProcess, fork } from "node:child_process";
import type { Socket } from "node:net";
import type { BoxlessServer } from "../app";
import type { Logger } from "../logger";
import type { FromWorker, ProcessStats, ToWorker } from "./messages";
import type { Destination } from "./router";

const READY_TIMEOUT_MS = 60_000;
const STATS_TIMEOUT_MS = 2_000;
const RESTART_DELAY_MS = 1_000;

export interface Workers {
  /** Worker `i` holds share `i`. */
  destinations: Destination[];
  /** Resolves once every worker is ready; rejects if one is not within a minute. */
  ready: Promise<void>;
  /** The figures of every worker that is up and answers (with their metrics if `withMetrics`). */
  stats(withMetrics: boolean): Promise<ProcessStats[]>;
  /** Stop them all (SIGTERM: each closes its server) and wait until they have exited. */
  stop(): Promise<void>;
}

/**
 * A worker's young generation at most (`--max-semi-space-size`, MB). Two workers at 32 MB each
 * peaked at 413 MB under the base load, over the 400 MB target (docs/PERFORMANCE.md, "Two
 * processes"); at 16 MB, 367–387 MB.
 */
const WORKER_SEMI_SPACE_MB = 16;

/**
 * The Node options for each of `count` workers, from the main process's: each worker sees
 * 1/`count` of the actions, so its young generation (`--max-semi-space-size`) is cut to match,
 * and to at most `WORKER_SEMI_SPACE_MB`: each worker has its own old generation and code too.
 */
export function workerNodeFlags(flags: readonly string[], count: number): string[] {
  return flags.map((flag) => {
    const semi = /^--max-semi-space-size=(\d+)$/.exec(flag);
    if (!semi) return flag;
    const megabytes = Math.min(WORKER_SEMI_SPACE_MB, Math.max(4, Math.round(Number(semi[1]) / count)));
    return `--max-semi-space-size=${megabytes}`;
  });
}

/** Fork `count` workers running this same program, with `env(i)` for worker `i`. */
export function startWorkers(options: {
  count: number;
  logger: Logger;
  env: (shard: number) => NodeJS.ProcessEnv;
  execArgv: string[];
}): Workers {
  const { logger } = options;
  let stopping = false;
  let nextId = 0;
  const waiting = new Map<number, (stats: ProcessStats | null) => void>();
  const readyWaits: Promise<void>[] = [];

  const slots = Array.from({ length: options.count }, (_, shard) => {
    const slot = {
      shard,
      child: null as ChildProcess | null,
      ready: false,
      accept(socket: Socket, head: Buffer) {
        const child = slot.child;
        if (!child) return socket.destroy();
        // A paused socket still reads ahead: take what it has read, then stop it reading here, so
        // whatever the client sends next stays in the kernel's buffer and goes with the socket
        // (its reads here would be dropped until the worker has it). In this order: a read() on a
        // socket marked not reading would start it again.
        const ahead = socket.read() as Buffer | null;
        const handle = (socket as unknown as { _handle?: { readStop(): number; reading: boolean } })._handle;
        handle?.readStop();
        if (handle) handle.reading = false;
        const bytes = ahead ? Buffer.concat([head, ahead]) : head;
        child.send(
          { type: "connection", head: bytes.toString("latin1") } satisfies ToWorker,
          socket,
          (error) => {
            if (error) socket.destroy();
          },
        );
      },
    };
    return slot;
  });

  const spawn = (slot: (typeof slots)[number]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(process.argv[1] as string, process.argv.slice(2), {
        env: options.env(slot.shard),
        execArgv: options.execArgv,
      });
      slot.child = child;
      // A send to a worker that has just died fails through its callback; nothing else to do here.
      child.on("error", (error) =>
        logger.warn("worker.ipc_failed", `worker ${slot.shard + 1}: ${error.message}`),
      );
      const timer = setTimeout(
        () => reject(new Error(`worker ${slot.shard + 1} was not ready within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      child.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          slot.ready = true;
          resolve();
        } else if (message.type === "stats") {
          waiting.get(message.id)?.(message.stats);
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        slot.ready = false;
        if (slot.child === child) slot.child = null;
        if (stopping) return;
        logger.error(
          "worker.exited",
          `worker ${slot.shard + 1} exited (${signal ?? `code ${code}`}); starting it again`,
          { shard: slot.shard },
        );
        reject(new Error(`worker ${slot.shard + 1} exited before it was ready`));
        setTimeout(() => {
          if (!stopping) spawn(slot).catch((error: unknown) => logger.error("worker.failed", String(error)));
        }, RESTART_DELAY_MS).unref();
      });
    });

  for (const slot of slots) readyWaits.push(spawn(slot));

  const askStats = (slot: (typeof slots)[number], withMetrics: boolean): Promise<ProcessStats | null> =>
    new Promise((resolve) => {
      const child = slot.child;
      if (!child || !slot.ready) return resolve(null);
      const id = nextId++;
      const done = (stats: ProcessStats | null) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(stats);
      };
      const timer = setTimeout(() => done(null), STATS_TIMEOUT_MS);
      waiting.set(id, done);
      child.send({ type: "stats", id, metrics: withMetrics } satisfies ToWorker);
    });

  return {
    destinations: slots,
    ready: Promise.all(readyWaits).then(() => undefined),
    async stats(withMetrics) {
      const all = await Promise.all(slots.map((slot) => askStats(slot, withMetrics)));
      return all.filter((s): s is ProcessStats => s !== null);
    },
    async stop() {
      stopping = true;
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              const child = slot.child;
              if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
              child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

/** In a worker: serve the connections and questions the main process sends; exit without it. */
export function serveAsWorker(server: BoxlessServer, logger: Logger): void {
  process.on("message", (message: ToWorker, handle?: Socket) => {
    if (message.type === "connection" && handle) server.accept(handle, Buffer.from(message.head, "latin1"));
    else if (message.type === "stats")
      void server
        .stats(message.metrics)
        .then((stats) => process.send?.({ type: "stats", id: message.id, stats } satisfies FromWorker));
  });
  // The main process is gone (killed, say): nothing routes here any more. Every acked action is
  // already in the SQLite file, so leave at once and let a new server take the data over.
  process.on("disconnect", () => {
    logger.warn("worker.orphaned", "the main process is gone; exiting");
    process.exit(1);
  });
  process.send?.({ type: "ready" } satisfies FromWorker);
}
