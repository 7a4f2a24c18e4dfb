/**
 * One process of `npm run bench -- allhands` (forked by `bench/allhands.ts`; never run by hand):
 * some of the room's players, and maybe its host screen, as raw socket.io-client sockets that keep
 * their views from the pushes. On `play`, each player waits a random moment, chooses one or two
 * cards it can afford from its own view and locks in; every screen notes when its view first shows
 * the round revealed.
 */
import { io, type Socket } from "socket.io-client";
import { applyViewPatch, type PatchOp } from "../../shared/src/protocol/patch";
import type { RoomView } from "../../shared/src/protocol/views";
import type { AllHandsSetup, FromAllHandsWorker, RoundReport, ToAllHandsWorker } from "./messages";

const ACK_TIMEOUT_MS = 30_000;
const REVEAL_TIMEOUT_MS = 30_000;
const JOIN_CONCURRENCY = 20;

type Ack =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string } };

interface Screen {
  who: string;
  socket: Socket;
  view: RoomView | null;
  /** Pushes that came before the attach ack. */
  early: { base: number; version: number; ops: PatchOp[] }[] | null;
  revealedRound: number;
}

let setup: AllHandsSetup;
const screens: Screen[] = [];
let report: RoundReport | null = null;
let onRevealed: (() => void) | null = null;

const micros = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(message: FromAllHandsWorker): void {
  process.send?.(message);
}

function error(kind: string): void {
  if (report) report.errors[kind] = (report.errors[kind] ?? 0) + 1;
}

function request(socket: Socket, event: string, payload: Record<string, unknown>): Promise<Ack | null> {
  return new Promise((resolve) => {
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(event, payload, (err: Error | null, ack: Ack) => resolve(err ? null : ack));
  });
}

let actionCounter = 0;
const actionId = () => `H${setup.worker}_${(++actionCounter).toString(36).padStart(8, "0")}`;

function observe(screen: Screen, bytes: number): void {
  const game = screen.view?.game;
  if (!report || !game || game.phase !== "revealed" || game.round !== report.round) return;
  if (screen.revealedRound === report.round) return;
  screen.revealedRound = report.round;
  report.revealAt.push({ who: screen.who, at: micros() });
  report.revealBytes.push(bytes);
  if (report.revealAt.length === screens.length) onRevealed?.();
}

function connect(who: string): Promise<Screen> {
  const socket = io(setup.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    query: { room: setup.code },
  });
  const screen: Screen = { who, socket, view: null, early: [], revealedRound: 0 };
  socket.on("view:patched", (push: { base: number; version: number; ops: PatchOp[] }) => {
    if (screen.early) {
      screen.early.push(push);
      return;
    }
    const view = screen.view;
    if (!view) return;
    if (push.base !== view.version) {
      if (push.version > view.version) {
        error("patch gap (resynced)");
        void request(socket, "room:sync", {}).then((ack) => {
          if (ack?.ok) screen.view = (ack.data.session as { view: RoomView }).view;
        });
      }
      return;
    }
    screen.view = { ...applyViewPatch(view, push.ops as never), version: push.version };
    // The size is only worked out when this push may be the reveal.
    if (screen.view.game.phase === "revealed") observe(screen, JSON.stringify(push).length);
  });
  socket.on("session:ended", (push: { code: string }) => error(`session ended: ${push.code}`));
  socket.on("disconnect", (reason: string) => error(`disconnect: ${reason}`));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(screen));
    socket.once("connect_error", (err: Error) => reject(new Error(`connect: ${err.message}`)));
  });
}

async function attach(screen: Screen, event: string, payload: Record<string, unknown>): Promise<void> {
  const ack = await request(screen.socket, event, payload);
  if (!ack) throw new Error(`${event}: no ack`);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} — ${ack.error.message}`);
  screen.view = (ack.data.session as { view: RoomView }).view;
  const early = screen.early ?? [];
  screen.early = null;
  for (const push of early)
    if (screen.view && push.base === screen.view.version)
      screen.view = { ...applyViewPatch(screen.view, push.ops as never), version: push.version };
}

async function runSetup(message: AllHandsSetup): Promise<void> {
  setup = message;
  if (message.host) {
    const host = await connect("host");
    await attach(host, "room:watch", { code: message.code });
    screens.push(host);
  }
  const queue = [...message.players];
  await Promise.all(
    Array.from({ length: Math.min(JOIN_CONCURRENCY, queue.length) }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const screen = await connect(`player ${n}`);
        await attach(screen, "room:join", { code: message.code, name: `Player ${n}`, actionId: actionId() });
        screens.push(screen);
      }
    }),
  );
  send({ type: "ready", worker: message.worker, sockets: screens.length });
}

/** A player's round: a pause, one or two affordable cards, then the lock-in. */
async function play(screen: Screen, round: number, spreadMs: number): Promise<void> {
  await sleep(Math.random() * spreadMs);
  const want = 1 + Math.floor(Math.random() * 2);
  for (let i = 0; i < want; i++) {
    const me = screen.view?.me;
    if (!me || screen.view?.game.phase !== "planning") return;
    const card = me.hand
      .filter((c) => !c.problem && !c.takenBy && !me.selected.includes(c.id) && c.cost <= me.energy.left)
      .sort((a, b) => a.cost - b.cost)[0];
    if (!card) break;
    const started = performance.now();
    const ack = await request(screen.socket, "card:select", { actionId: actionId(), round, cardId: card.id });
    report?.ackMs.push(performance.now() - started);
    if (!ack) error("no ack for card:select");
    else if (
      !ack.ok &&
      ack.error.code !== "action/card_taken" &&
      ack.error.code !== "action/not_enough_energy"
    )
      error(`card:select refused: ${ack.error.code}`);
  }
  const sentAt = micros();
  const started = performance.now();
  report?.lockSentAt.push(sentAt);
  const ack = await request(screen.socket, "seat:lockIn", { actionId: actionId(), round });
  report?.ackMs.push(performance.now() - started);
  if (!ack) error("no ack for seat:lockIn");
  else if (!ack.ok) error(`seat:lockIn refused: ${ack.error.code}`);
}

async function runRound(round: number, spreadMs: number): Promise<void> {
  report = {
    type: "round",
    worker: setup.worker,
    round,
    lockSentAt: [],
    ackMs: [],
    revealAt: [],
    missing: [],
    revealBytes: [],
    errors: {},
  };
  const current = report;
  const revealed = new Promise<void>((resolve) => {
    onRevealed = resolve;
    setTimeout(resolve, spreadMs + REVEAL_TIMEOUT_MS);
  });
  for (const screen of screens) observe(screen, 0);
  await Promise.all(screens.filter((s) => s.who !== "host").map((s) => play(s, round, spreadMs)));
  await revealed;
  onRevealed = null;
  current.missing = screens.filter((s) => s.revealedRound !== round).map((s) => s.who);
  report = null;
  send(current);
}

process.on("message", (message: ToAllHandsWorker) => {
  const fail = (err: unknown) =>
    send({
      type: "fatal",
      worker: setup?.worker ?? -1,
      message: err instanceof Error ? err.message : String(err),
    });
  if (message.type === "setup") void runSetup(message).catch(fail);
  else if (message.type === "play") void runRound(message.round, message.spreadMs).catch(fail);
  else {
    for (const screen of screens) screen.socket.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on("disconnect", () => process.exit(0));
