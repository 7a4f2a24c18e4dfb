/** The bench's load-generating child processes: waiting for every worker's next message of a kind. */
import { type ChildProcess, fork, type SerializationType } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The load generators' scheduling priority (`nice`). They share the machine with the target only
 * because the bench has one machine: they stand in for clients on other machines, and at the same
 * priority they take a core the target is waiting for whenever their own work bunches up (a burst
 * of new rounds' views to parse, their collections), which the target's latencies then show.
 * At 10 the kernel gives the target ~9 times their share of a contended core; an idle core still
 * runs them at once, so the pace they offer is the same while the machine has room.
 */
export const LOAD_GENERATOR_NICE = 10;

/**
 * `count` worker processes running `file` (TypeScript, through tsx), their output on this one's,
 * at `nice` (0 for this process's own priority).
 */
export function forkWorkers(
  file: string,
  count: number,
  serialization: SerializationType = "json",
  nice = LOAD_GENERATOR_NICE,
): ChildProcess[] {
  return Array.from({ length: count }, () => {
    const child = fork(file, [], {
      cwd: root,
      execArgv: ["--import", "tsx"],
      serialization,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    if (nice !== 0 && child.pid !== undefined) os.setPriority(child.pid, nice);
    return child;
  });
}

/** What every worker may send: its own messages, and `fatal` when it cannot go on. */
type WorkerMessage = { type: string } | { type: "fatal"; worker: number; message: string };

/** Every worker's next message of `type` (or a failure when one reports fatal or exits). */
export function collect<M extends WorkerMessage, T extends M["type"]>(
  workers: ChildProcess[],
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>[]> {
  return new Promise((resolve, reject) => {
    const got: Extract<M, { type: T }>[] = [];
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
      const onMessage = (message: M) => {
        if (message.type === "fatal" && "worker" in message)
          return done(new Error(`worker ${message.worker}: ${message.message}`));
        if (message.type !== type) return;
        got.push(message as Extract<M, { type: T }>);
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
