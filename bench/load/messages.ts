/**
 * What the load bench's parent (`bench/load.ts`) and its worker processes (`bench/load/worker.ts`)
 * say to each other over the IPC channel (serialization "advanced", so typed arrays travel as is).
 */

/** `server`: the real Boxless server and protocol. `relay`: `bench/relay.ts` with the fake protocol. */
export type Target = "server" | "relay";

export interface WorkerSetup {
  type: "setup";
  target: Target;
  url: string;
  /** This worker's number (0…): part of its action ids and of its source addresses. */
  worker: number;
  /** Global numbers of the rooms this worker plays, whole rooms only. */
  rooms: number[];
  /** Players per room, and the room's team size (teams are formed by the server as they join). */
  seats: number;
  teamSize: number;
  rounds: number;
  /** Each room's round timer in seconds (the facilitator's setting), or null for none. */
  timerS: number | null;
  intervalMs: number;
}

export type ToWorker =
  | WorkerSetup
  /** Open a measuring window: each player acts every `intervalMs` on average (±50%). */
  | { type: "go"; intervalMs: number }
  /** Close it: wait up to `drainMs` for acks in flight, then send the window's result. */
  | { type: "stop"; drainMs: number }
  | { type: "exit" };

export interface WorkerReady {
  type: "ready";
  worker: number;
  sockets: number;
  setupMs: number;
}

export interface WorkerResult {
  type: "result";
  worker: number;
  /** Player actions answered `ok` (each is one entry in the room's log). */
  actionsOk: number;
  /** Player actions refused with a refusal the game expects (not enough energy, card taken). */
  refusedExpected: number;
  /** Send → ack of every answered player action, in ms. */
  ackMs: Float64Array;
  /** A lock-in sent → a teammate's or the host's view showing that seat locked, in ms. */
  fanoutMs: Float64Array;
  /** Facilitator controls (game:start, round:next) answered ok. */
  controlsOk: number;
  /** Joins and attaches (room:join, room:watch, room:facilitate) answered ok after the start signal. */
  joinsInWindow: number;
  /** Pushes (view:patched) received while the window was open. */
  pushes: number;
  /** JSON size of one in 50 pushes received in the window (a sample of the payload size). */
  pushBytesSampled: number;
  pushSamples: number;
  /** Pushes (at any time) that arrived before the ack of the attach (join, watch) they follow. */
  earlyPushes: number;
  /**
   * Sockets that connected again to reach a room held by another of the server's processes (a
   * room slot's next game may be held by another one than its last).
   */
  moved: number;
  gamesFinished: number;
  roomsOpened: number;
  /** Ticks at which a player sent an action, had nothing to do, or still waited for an ack. */
  ticks: { acted: number; idle: number; busy: number };
  /** Every unexpected outcome, by kind. */
  errors: Record<string, number>;
  /** Player actions with no ack when the worker stopped waiting. */
  unacked: number;
  /**
   * This worker's own event-loop delay over the window (`monitorEventLoopDelay`, 1 ms resolution),
   * in ms: an ack or push that arrives while the worker is busy is timed late by as much.
   */
  loopDelayMs: { p99: number; max: number };
  /** The action ids of `actionsOk`, to look up in the server's log. */
  ackedIds: string[];
}

export type FromWorker = WorkerReady | WorkerResult | { type: "fatal"; worker: number; message: string };
