/**
 * One load-generating process of `npm run bench -- load`, `saturation` and `soak` (forked by
 * `bench/load.ts`; never run by hand). It holds whole rooms: per room a facilitator socket, a host
 * socket (room:watch) and one socket per seat, all raw socket.io-client sockets with no
 * reconnection (a drop is an error). Players act on jittered ticks; latencies are taken with this
 * process's clock only, which is why a lock-in's sender and everyone who sees it live in the same
 * process. The parent opens measuring windows one after another (`go` with a pace, then `stop`),
 * each with its own counters; between windows the games wait.
 *
 * Against the real server (`server`) players read their own views: in the reporting phase the
 * team's first seat decides where Community reports; while planning each player selects 1–3
 * affordable cards (from `view.me.hand`: no problem, not taken, cost within `energy.left`), then
 * locks in; the facilitator sends round:next a jittered interval after the reveal. A finished game
 * is replaced by a new room (created over HTTP; the same sockets join it), so the load holds.
 * Every room's first game starts in the same second; the facilitator ends each one after a random
 * round (game:end; against the relay too), so that the rooms' games end, and new rooms open,
 * spread over a game's length rather than all together every ~45 s.
 *
 * Against the relay (`relay`) the same pace is kept by a model of the game in this process (the
 * relay has no rules): the same reporting decisions, 1–3 selects and a lock-in per player and
 * round, round:next after everyone locked in. The relay's pushes carry the seat's locked flag, so
 * the fan-out is measured the same way: on the observer's own view.
 */
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { applyViewPatch, type PatchOp } from "../../shared/src/protocol/patch";
import type { RoomView } from "../../shared/src/protocol/views";
import { midGameRound } from "../../shared/src/rules/engine";
import type { FromWorker, ToWorker, WorkerResult, WorkerSetup } from "./messages";

const CONNECT_TIMEOUT_MS = 30_000;
const ACK_TIMEOUT_MS = 30_000;
/** Rooms set up at once by one worker. */
const SETUP_CONCURRENCY = 16;
/** Refusals a fair player can get in a busy game: they count as answered, not as errors. */
const EXPECTED_REFUSALS = new Set(["action/not_enough_energy", "action/card_taken"]);

type Ack =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string } };

interface RelayView {
  version: number;
  game: { seats?: Record<string, { locked?: boolean }> };
}

type Role = "seat" | "host" | "facilitator";

interface Client {
  socket: Socket;
  role: Role;
  room: RoomRun;
  /** Index among the room's players (seats only). */
  index: number;
  seatId: string | null;
  view: RoomView | null;
  relayView: RelayView | null;
  /** Seats this client has seen locked (reset when they unlock). */
  seen: Set<string>;
  /** An action of this player is waiting for its ack. */
  busy: boolean;
  /** How many cards this player means to select, and in which round (a new number each round). */
  target: number;
  targetRound: number;
  /** Relay model: cards selected and lock-in this round. */
  selected: number;
  locked: boolean;
  /** Pushes that came while an attach (join, watch, facilitate) waited for its ack: applied after it. */
  early: Push[] | null;
}

interface Push {
  base: number;
  version: number;
  ops: PatchOp[];
}

interface RoomRun {
  index: number;
  generation: number;
  code: string;
  facilitator: Client;
  host: Client;
  players: Client[];
  /** When each seat's lock-in was sent this round (performance.now()). */
  lockSentAt: Map<string, number>;
  /** Between a finished game and the next room's start: players wait. */
  opening: boolean;
  /**
   * The round after whose reveal the facilitator ends this game: a random one for each room's
   * first game (so that the rooms' games, all started together, end and start again at different
   * times), the last one after that.
   */
  lastRound: number;
  advancing: boolean;
  /** Relay model of the game. */
  phase: "reporting" | "planning" | "revealed";
  round: number;
  reportSent: boolean;
  lockedCount: number;
}

let setup: WorkerSetup;
let running = false;
let closing = false;
/** Each player's mean time between actions in the current window. */
let intervalMs = 2_000;
/** Windows opened so far. */
let windows = 0;
/** This process's own event-loop delay, sampled each millisecond while a window is open. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const rooms: RoomRun[] = [];

function freshResult(): Omit<WorkerResult, "ackMs" | "fanoutMs"> {
  return {
    type: "result",
    worker: setup?.worker ?? 0,
    actionsOk: 0,
    refusedExpected: 0,
    controlsOk: 0,
    joinsInWindow: 0,
    pushes: 0,
    earlyPushes: 0,
    moved: 0,
    pushBytesSampled: 0,
    pushSamples: 0,
    gamesFinished: 0,
    roomsOpened: 0,
    ticks: { acted: 0, idle: 0, busy: 0 },
    errors: {},
    unacked: 0,
    loopDelayMs: { p99: Number.NaN, max: Number.NaN },
    ackedIds: [],
  };
}

/** The counters of the current window (set-up counts into the first one's errors only). */
let result = freshResult();
let ackMs: number[] = [];
let fanoutMs: number[] = [];
let inFlight = 0;
let actionCounter = 0;
let addressCounter = 0;

function error(kind: string): void {
  result.errors[kind] = (result.errors[kind] ?? 0) + 1;
}

function send(message: FromWorker): void {
  process.send?.(message);
}

const jitter = (ms: number) => ms * (0.5 + Math.random());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function nextActionId(): string {
  actionCounter++;
  return `L${setup.worker}_${actionCounter.toString(36).padStart(8, "0")}`;
}

// ─── requests ─────────────────────────────────────────────────────────────────

/** Emit with an ack; resolves with the ack, or null after the timeout. */
function request(
  socket: Socket,
  event: string,
  payload: Record<string, unknown>,
  onAck?: () => void,
): Promise<Ack | null> {
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack) => {
      if (!err) onAck?.();
      resolve(err ? null : ack);
    });
  });
}

/** A request that must succeed (setup, attaching, controls). */
async function must(
  socket: Socket,
  event: string,
  payload: Record<string, unknown>,
  onAck?: () => void,
): Promise<Ack & { ok: true }> {
  let ack = await request(socket, event, payload, onAck);
  if (ack && !ack.ok && ack.error.code === "room/elsewhere") {
    // The room is held by another of the server's processes: connect again with its code in the
    // socket's address, which routes the socket there (as the Boxless client does).
    socket.io.opts.query = { room: payload.code };
    socket.disconnect();
    await new Promise<void>((resolve, reject) => {
      const connected = () => {
        socket.off("connect_error", failed);
        resolve();
      };
      const failed = (error: Error) => {
        socket.off("connect", connected);
        reject(error);
      };
      socket.once("connect", connected);
      socket.once("connect_error", failed);
      socket.connect();
    });
    result.moved++;
    ack = await request(socket, event, payload, onAck);
  }
  if (!ack) throw new Error(`${event}: no ack within ${ACK_TIMEOUT_MS} ms`);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} — ${ack.error.message}`);
  return ack;
}

/** A player's action: timed from send to ack; its id is kept when it is accepted. */
function act(player: Client, event: string, payload: Record<string, unknown>, onOk?: () => void): void {
  const actionId = nextActionId();
  player.busy = true;
  inFlight++;
  result.ticks.acted++;
  const body: Record<string, unknown> = { ...payload, actionId };
  if (setup.target === "relay") body.seatId = player.seatId;
  const started = performance.now();
  if (event === "seat:lockIn" && player.seatId) player.room.lockSentAt.set(player.seatId, started);
  player.socket.timeout(ACK_TIMEOUT_MS).emit(event, body, (err: Error | null, ack: Ack) => {
    player.busy = false;
    inFlight--;
    if (err) return error(`no ack within ${ACK_TIMEOUT_MS / 1000} s`);
    ackMs.push(performance.now() - started);
    if (ack.ok) {
      result.actionsOk++;
      result.ackedIds.push(actionId);
      onOk?.();
    } else if (EXPECTED_REFUSALS.has(ack.error.code)) result.refusedExpected++;
    else error(`refused ${event}: ${ack.error.code}`);
  });
}

/** A facilitator control (not counted as a player action). */
async function control(room: RoomRun, event: string): Promise<boolean> {
  const ack = await request(room.facilitator.socket, event, { actionId: nextActionId() });
  if (!ack) {
    error(`no ack for ${event}`);
    return false;
  }
  if (!ack.ok) {
    error(`refused ${event}: ${ack.error.code}`);
    return false;
  }
  result.controlsOk++;
  return true;
}

// ─── sockets and views ────────────────────────────────────────────────────────

function connect(room: RoomRun, role: Role, index: number): Promise<Client> {
  const socket = io(setup.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
  });
  const client: Client = {
    socket,
    role,
    room,
    index,
    seatId: null,
    view: null,
    relayView: null,
    seen: new Set(),
    busy: false,
    target: 0,
    targetRound: -1,
    selected: 0,
    locked: false,
    early: null,
  };
  socket.on("view:patched", (push: Push) => {
    if (running && ++result.pushes % 50 === 0) {
      result.pushBytesSampled += JSON.stringify(push).length;
      result.pushSamples++;
    }
    if (client.early) {
      result.earlyPushes++;
      client.early.push(push);
    } else onPatch(client, push);
  });
  socket.on("view:replaced", (push: { version: number; view: RoomView }) => {
    if (setup.target === "server") client.view = push.view;
  });
  socket.on("session:ended", (push: { code: string }) => error(`session ended: ${push.code}`));
  socket.on("disconnect", (reason: string) => {
    // "io client disconnect": this worker closed it (the end, or moving to another process).
    if (!closing && reason !== "io client disconnect") error(`disconnect: ${reason}`);
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (err: Error) => reject(new Error(`connect: ${err.message}`)));
  });
}

function onPatch(client: Client, push: Push): void {
  if (setup.target === "server") {
    const view = client.view;
    if (!view) return;
    if (push.base !== view.version) {
      if (push.version <= view.version) return;
      error("patch gap (resynced)");
      void request(client.socket, "room:sync", {}).then((ack) => {
        if (ack?.ok) client.view = (ack.data.session as { view: RoomView }).view;
      });
      return;
    }
    client.view = { ...applyViewPatch(view, push.ops as never), version: push.version };
  } else {
    const view = client.relayView;
    if (!view) return;
    if (push.base !== view.version) {
      if (push.version > view.version) error("patch gap");
      view.version = Math.max(view.version, push.version);
      return;
    }
    client.relayView = { ...applyViewPatch(view, push.ops), version: push.version };
  }
  observeLocks(client);
  if (client.role === "facilitator" && setup.target === "server") facilitate(client.room);
}

/** The seats a client's view shows locked in. */
function lockedSeats(client: Client): string[] {
  const out: string[] = [];
  if (setup.target === "server") {
    for (const team of client.view?.game.teams ?? [])
      for (const seat of team.seats) if (seat.locked) out.push(seat.id);
  } else {
    for (const [id, seat] of Object.entries(client.relayView?.game.seats ?? {}))
      if (seat.locked) out.push(id);
  }
  return out;
}

/** Fan-out: the first time a teammate's or the host's view shows a seat locked, since it was sent. */
function observeLocks(client: Client): void {
  if (client.role === "facilitator") return;
  const locked = lockedSeats(client);
  const now = performance.now();
  for (const id of locked) {
    if (client.seen.has(id)) continue;
    client.seen.add(id);
    if (id === client.seatId) continue;
    const sentAt = client.room.lockSentAt.get(id);
    if (sentAt !== undefined) fanoutMs.push(now - sentAt);
  }
  if (client.seen.size > locked.length) client.seen = new Set(locked);
}

// ─── rooms ────────────────────────────────────────────────────────────────────

/**
 * POST /api/rooms from its own loopback source address (the server allows 30 rooms a minute per
 * address); `near`, the slot's last room, keeps the new room in the same server process, so the
 * slot's sockets need not move to another one.
 */
function createRoom(near: string | null): Promise<{ code: string; facilitatorToken: string }> {
  const n = addressCounter++;
  const localAddress = `127.${100 + setup.worker}.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
  const body = JSON.stringify({
    settings: {
      fillWithBots: false,
      timerSeconds: setup.timerS,
      teamSize: setup.teamSize,
      rounds: setup.rounds,
    },
  });
  const url = new URL(near ? `/api/rooms?room=${near}` : "/api/rooms", setup.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          if (res.statusCode !== 201) return reject(new Error(`create room: ${res.statusCode} ${text}`));
          resolve(JSON.parse(text) as { code: string; facilitatorToken: string });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function resetRound(room: RoomRun): void {
  room.lockSentAt.clear();
  room.lockedCount = 0;
  room.reportSent = false;
  for (const player of room.players) {
    player.selected = 0;
    player.locked = false;
  }
}

/** Attach the room's sockets to a (new) room and start its game. */
async function openRoom(room: RoomRun): Promise<void> {
  room.opening = true;
  room.generation++;
  let facilitatorToken = "";
  if (setup.target === "server") {
    const created = await createRoom(room.generation > 1 ? room.code : null);
    room.code = created.code;
    facilitatorToken = created.facilitatorToken;
  } else room.code = `R${room.index}G${room.generation}`;
  const counted = running;
  /**
   * Attach, take the view from the ack, then apply what was pushed before this resumed: for the
   * server all of it (against the ack's view), for the relay what came after the ack (see below).
   */
  const attach = async (client: Client, event: string, payload: Record<string, unknown>) => {
    client.early = [];
    // How many pushes came before the ack itself (the ack and the pushes after it can arrive in
    // one read, before this function resumes).
    let beforeAck = 0;
    const ack = await must(client.socket, event, payload, () => {
      beforeAck = client.early?.length ?? 0;
    });
    if (counted) result.joinsInWindow++;
    client.seen = new Set();
    client.seatId =
      client.role !== "seat"
        ? null
        : setup.target === "server"
          ? (ack.data.seatId as string)
          : `s${client.index + 1}`;
    const early = client.early;
    client.early = null;
    if (setup.target === "server") {
      client.view = (ack.data.session as { view: RoomView }).view;
      for (const push of early) onPatch(client, push);
    } else {
      // The relay answers an attach right after broadcasting its join (if any), so nothing of the
      // new room pushed before the ack is newer than the ack's version. A push before the ack
      // that is newer is the last room's, from an action still in flight when the slot moved on:
      // the relay's pushes carry no room, and its versions would read as a gap in this one.
      client.relayView = { version: ack.data.version as number, game: {} };
      for (const push of early.slice(beforeAck)) onPatch(client, push);
    }
  };
  await attach(room.facilitator, "room:facilitate", { code: room.code, facilitatorToken });
  await attach(room.host, "room:watch", { code: room.code });
  await Promise.all(
    room.players.map((player, i) =>
      attach(player, "room:join", { code: room.code, name: `Player ${i + 1}`, actionId: nextActionId() }),
    ),
  );
  resetRound(room);
  room.lastRound = room.generation === 1 ? 1 + Math.floor(Math.random() * setup.rounds) : setup.rounds;
  room.round = 1;
  room.phase = "reporting";
  room.advancing = false;
  if (!(await control(room, "game:start"))) throw new Error(`room ${room.code}: game:start refused`);
  result.roomsOpened++;
  room.opening = false;
}

/** Server: the facilitator moves on after each reveal, and replaces a finished game with a new room. */
function facilitate(room: RoomRun): void {
  const phase = room.facilitator.view?.game.phase;
  if (!running || room.opening || room.advancing) return;
  if (phase === "revealed") {
    room.advancing = true;
    setTimeout(() => {
      // Stopped between windows: move on when the next one starts (go() calls this again).
      if (!running) {
        room.advancing = false;
        return;
      }
      room.lockSentAt.clear();
      const round = room.facilitator.view?.game.round ?? 0;
      const next = round >= room.lastRound && round < setup.rounds ? "game:end" : "round:next";
      void control(room, next).finally(() => {
        room.advancing = false;
        // The push that finished the game came before this ack, while `advancing` held it back.
        facilitate(room);
      });
    }, jitter(intervalMs));
  } else if (phase === "finished") {
    result.gamesFinished++;
    void openRoom(room).catch((err: unknown) => {
      error(`reopen: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}

/** Relay: everyone locked in, so the "reveal"; round:next after the same jittered pause. */
function relayReveal(room: RoomRun): void {
  room.phase = "revealed";
  room.advancing = true;
  setTimeout(() => {
    // Stopped between windows: the reveal is taken up again when the next one starts.
    if (!running) {
      room.advancing = false;
      return;
    }
    room.lockSentAt.clear();
    const ending = room.round >= room.lastRound;
    void control(room, ending && room.round < setup.rounds ? "game:end" : "round:next").then((ok) => {
      room.advancing = false;
      if (!ok || !running) return;
      if (ending) {
        result.gamesFinished++;
        void openRoom(room).catch((err: unknown) => {
          error(`reopen: ${err instanceof Error ? err.message : String(err)}`);
        });
        return;
      }
      room.round++;
      resetRound(room);
      room.phase = room.round === midGameRound(setup.rounds) ? "reporting" : "planning";
    });
  }, jitter(intervalMs));
}

// ─── players ──────────────────────────────────────────────────────────────────

function targetFor(player: Client, round: number): number {
  if (player.targetRound !== round) {
    player.targetRound = round;
    player.target = 1 + Math.floor(Math.random() * 3);
  }
  return player.target;
}

/** A player's turn against the server, from its own view: false when it has nothing to do. */
function tickServer(player: Client): boolean {
  const view = player.view;
  const me = view?.me;
  if (!view || !me || player.room.opening) return false;
  const game = view.game;
  if (game.phase === "reporting") {
    const team = game.teams.find((t) => t.id === me.teamId);
    if (!team || team.reportingDecided || team.seats[0]?.id !== player.seatId) return false;
    act(player, "team:chooseReporting", {
      round: game.round,
      side: Math.random() < 0.5 ? "product" : "marketing",
    });
    return true;
  }
  if (game.phase !== "planning" || me.locked) return false;
  if (me.selected.length < targetFor(player, game.round)) {
    const card = me.hand
      .filter(
        (c) =>
          c.problem === null && c.takenBy === null && !me.selected.includes(c.id) && c.cost <= me.energy.left,
      )
      .sort((a, b) => a.cost - b.cost)[0];
    if (card) {
      act(player, "card:select", { round: game.round, cardId: card.id });
      return true;
    }
  }
  act(player, "seat:lockIn", { round: game.round });
  return true;
}

/** A player's turn against the relay, from this process's model of the game: false when idle. */
function tickRelay(player: Client): boolean {
  const room = player.room;
  if (room.opening) return false;
  if (room.phase === "reporting") {
    if (player.index !== 0 || room.reportSent) return false;
    room.reportSent = true;
    act(player, "team:chooseReporting", { round: room.round, side: "product" }, () => {
      if (room.phase === "reporting") room.phase = "planning";
    });
    return true;
  }
  if (room.phase !== "planning" || player.locked) return false;
  if (player.selected < targetFor(player, room.round)) {
    act(player, "card:select", { round: room.round, cardId: `c${player.selected + 1}` }, () => {
      player.selected++;
    });
    return true;
  }
  act(player, "seat:lockIn", { round: room.round }, () => {
    player.locked = true;
    room.lockedCount++;
    if (room.lockedCount === room.players.length) relayReveal(room);
  });
  return true;
}

/** Relay: a reveal left waiting when the last window stopped. */
function resumeRelay(room: RoomRun): void {
  if (room.phase === "revealed" && !room.advancing && !room.opening) relayReveal(room);
}

/** One player's tick, in window `windowNo` (a tick left over from an earlier window stops). */
function tick(player: Client, windowNo: number): void {
  if (!running || windowNo !== windows) return;
  if (player.busy) result.ticks.busy++;
  else if (!(setup.target === "server" ? tickServer(player) : tickRelay(player))) result.ticks.idle++;
  setTimeout(() => tick(player, windowNo), jitter(intervalMs));
}

// ─── setup, run, stop ─────────────────────────────────────────────────────────

async function setUpRoom(index: number): Promise<void> {
  const room = {
    index,
    generation: 0,
    code: "",
    players: [],
    lockSentAt: new Map(),
    opening: true,
    lastRound: 0,
    advancing: false,
    phase: "reporting",
    round: 1,
    reportSent: false,
    lockedCount: 0,
  } as unknown as RoomRun;
  room.facilitator = await connect(room, "facilitator", -1);
  room.host = await connect(room, "host", -1);
  room.players = await Promise.all(Array.from({ length: setup.seats }, (_, i) => connect(room, "seat", i)));
  rooms.push(room);
  await openRoom(room);
}

async function runSetup(message: WorkerSetup): Promise<void> {
  setup = message;
  intervalMs = message.intervalMs;
  result.worker = message.worker;
  const started = performance.now();
  const queue = [...message.rooms];
  await Promise.all(
    Array.from({ length: Math.min(SETUP_CONCURRENCY, queue.length) }, async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) await setUpRoom(index);
    }),
  );
  // Counters start with the first window (set-up's errors stay in it).
  const errors = result.errors;
  result = freshResult();
  result.errors = errors;
  send({
    type: "ready",
    worker: message.worker,
    sockets: rooms.length * (message.seats + 2),
    setupMs: performance.now() - started,
  });
}

/** Open a window: players tick every `pace` ms on average from now on. */
function go(pace: number): void {
  intervalMs = pace;
  running = true;
  loopDelay.reset();
  loopDelay.enable();
  const windowNo = ++windows;
  for (const room of rooms) {
    for (const player of room.players) setTimeout(() => tick(player, windowNo), Math.random() * intervalMs);
    if (setup.target === "server") facilitate(room);
    else resumeRelay(room);
  }
}

/** Close the window: wait for the acks in flight, report, and start counting afresh. */
async function stop(drainMs: number): Promise<void> {
  running = false;
  loopDelay.disable();
  result.loopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
  const deadline = performance.now() + drainMs;
  while (inFlight > 0 && performance.now() < deadline) await sleep(20);
  result.unacked = inFlight;
  if (inFlight > 0) error("no ack when the bench stopped");
  // Let the last pushes (they go out before the ack) and the last ticks' timers settle.
  await sleep(200);
  send({ ...result, ackMs: Float64Array.from(ackMs), fanoutMs: Float64Array.from(fanoutMs) });
  result = freshResult();
  ackMs = [];
  fanoutMs = [];
}

function exit(): void {
  closing = true;
  for (const room of rooms)
    for (const client of [room.facilitator, room.host, ...room.players]) client.socket.disconnect();
  setTimeout(() => process.exit(0), 100);
}

process.on("message", (message: ToWorker) => {
  const fail = (err: unknown) => {
    send({
      type: "fatal",
      worker: setup?.worker ?? -1,
      message: err instanceof Error ? err.message : String(err),
    });
  };
  try {
    if (message.type === "setup") void runSetup(message).catch(fail);
    else if (message.type === "go") go(message.intervalMs);
    else if (message.type === "stop") void stop(message.drainMs).catch(fail);
    else exit();
  } catch (err) {
    fail(err);
  }
});
// The parent is gone: nothing else will stop this process.
process.on("disconnect", () => {
  closing = true;
  process.exit(0);
});
