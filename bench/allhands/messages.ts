/**
 * What the all-hands bench (`bench/allhands.ts`) and its worker processes (`bench/allhands/worker.ts`)
 * say to each other. Times are CLOCK_MONOTONIC microseconds (`process.hrtime`), the same clock in
 * every process of the machine, so a lock-in sent from one worker and a reveal seen in another can
 * be compared.
 */

export interface AllHandsSetup {
  type: "setup";
  url: string;
  code: string;
  worker: number;
  /** Player numbers (1…) this worker plays. */
  players: number[];
  /** This worker also holds the host screen. */
  host: boolean;
}

export type ToAllHandsWorker =
  | AllHandsSetup
  /** Play round `round` now: each player, after a random pause within `spreadMs`, chooses and locks in. */
  | { type: "play"; round: number; spreadMs: number }
  | { type: "exit" };

export interface RoundReport {
  type: "round";
  worker: number;
  round: number;
  /** When each lock-in this worker sent went out. */
  lockSentAt: number[];
  /** Send → ack of every lock-in and card choice, in ms. */
  ackMs: number[];
  /** When each of this worker's screens (players, and the host) first showed the round revealed. */
  revealAt: { who: string; at: number }[];
  /** Screens that had not shown the reveal when the worker stopped waiting. */
  missing: string[];
  /** The JSON size of the push that brought the reveal, per screen. */
  revealBytes: number[];
  errors: Record<string, number>;
}

export type FromAllHandsWorker =
  | { type: "ready"; worker: number; sockets: number }
  | RoundReport
  | { type: "fatal"; worker: number; message: string };
