/**
 * One room: a game, its action log and the sockets watching it. A room forwards every command to
 * the shared rules engine and holds no rule of its own. Commands are processed one at a time, in
 * the order they arrive: apply the rule → append to the log → (bots answer, timers move) → send each
 * socket what changed in its own view → ack. A rejected command is answered and changes nothing.
 */
import { randomFillSync, timingSafeEqual } from "node:crypto";
import {
  type Ack,
  applyCommand,
  createGame,
  createRandom,
  createViewCache,
  diffView,
  type ErrorBody,
  type ErrorCode,
  errorAck,
  type GameCommand,
  type GameState,
  okAck,
  type PatchOp,
  type PublicGameView,
  planBotCommands,
  type RoomInfo,
  type RoomView,
  type SeatOwnView,
  type Session,
  seatForNewcomer,
  type TimerView,
  type ViewCache,
  type ViewerKind,
} from "@boxless/shared";
import type { Clock, TimerHandle } from "../clock";
import type { Logger } from "../logger";
import type { Actor, LogEntry, RoomRecord, RoomStore, SavedTimer } from "../store/room-store";
import { jsonLongerThan } from "./json-size";

/** What the room needs of a socket: an id and a way to push to it. Keeps the room free of socket.io. */
export interface Peer {
  id: string;
  push(event: string, payload: unknown): void;
}

export type Who = { viewer: "seat"; seatId: string } | { viewer: "host" } | { viewer: "facilitator" };

interface Attachment {
  peer: Peer;
  who: Who;
  /** The version of the last view this peer was sent. */
  version: number;
  /** The seat part of the last view sent (seats only). */
  me: SeatOwnView | null;
}

interface ActiveTimer {
  kind: "round" | "advance";
  round: number;
  durationMs: number;
  /** Left at the last start, pause or resume. */
  leftMs: number;
  endsAt: number | null;
  handle: TimerHandle | null;
}

export interface RoomDeps {
  store: RoomStore;
  clock: Clock;
  logger: Logger;
  /** Called after each accepted entry (metrics, other processes). */
  onEntry?: (code: string, entry: LogEntry) => void;
  /** How long a seat's person may be gone before the room shows the seat as away. */
  awayAfterMs?: number;
  /**
   * Send one push to many peers at once (the payload encoded once for all of them). Without it,
   * each peer's own `push`.
   */
  pushAll?: (peers: readonly Peer[], event: string, payload: unknown) => void;
  /**
   * Called when a finished game has had nobody attached for `vacantAfterMs`: the registry may let
   * go of it (it is loaded from the store again if someone asks).
   */
  onVacant?: (room: Room) => void;
  vacantAfterMs?: number;
  /** A board patch bigger than this (JSON bytes) is sent once to everyone, own parts after it. */
  splitBoardBytes?: number;
}

const AWAY_AFTER_MS = 10_000;
const VACANT_AFTER_MS = 10_000;
/**
 * A board patch this big (JSON) goes to everyone once, with each seat's own part after it: a
 * reveal's plays and scores in a team of eight are 2–6 KB, and were encoded once per seat. The
 * second patch costs a packet, not a write (each socket gets one write per tick); below this size
 * encoding the board part again costs about as much.
 */
const SPLIT_BOARD_BYTES = 2 * 1024;
const MAX_BOT_COMMANDS = 400;
const MAX_CONFLICT_RETRIES = 5;

/** The ops of a peer's own part in this fan-out, if it changed. */
function ownOpsOf(own: readonly [Attachment, PatchOp[]][], attached: Attachment): PatchOp[] | undefined {
  for (const [which, ops] of own) if (which === attached) return ops;
  return undefined;
}

const TOKEN_BYTES = 24;
/** Random bytes for the next tokens, filled 128 tokens at a time (one call into the system's generator, not one per token). */
const tokenPool = Buffer.alloc(TOKEN_BYTES * 128);
let tokenPoolAt = tokenPool.length;

export function newToken(): string {
  if (tokenPoolAt + TOKEN_BYTES > tokenPool.length) {
    randomFillSync(tokenPool);
    tokenPoolAt = 0;
  }
  const token = tokenPool.toString("base64url", tokenPoolAt, tokenPoolAt + TOKEN_BYTES);
  tokenPoolAt += TOKEN_BYTES;
  return token;
}

type Outcome<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
const refuse = (code: ErrorCode, message: string): { ok: false; error: ErrorBody } => ({
  ok: false,
  error: { code, message },
});

export class Room {
  readonly code: string;
  readonly record: RoomRecord;
  private state: GameState;
  private seq = 0;
  private readonly deps: RoomDeps;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private readonly tokens = new Map<string, string>(); // token → seat
  private readonly seatTokens = new Map<string, string>(); // seat → token
  private readonly revoked = new Map<string, "seat/replaced" | "seat/removed">();
  private readonly acks = new Map<string, { seq: number; ack: unknown }>();

  private readonly attachments = new Map<string, Attachment>();
  /** Every view of this game, kept from one state to the next so that diffs skip what did not change. */
  private readonly views: ViewCache = createViewCache();
  private lastRoom: RoomInfo | null = null;
  private lastGame: PublicGameView | null = null;
  private readonly connected = new Map<string, number>(); // seat → sockets
  private readonly away = new Set<string>();
  private readonly awayTimers = new Map<string, TimerHandle>();
  private timer: ActiveTimer | null = null;
  private vacantTimer: TimerHandle | null = null;

  private constructor(record: RoomRecord, state: GameState, deps: RoomDeps) {
    this.code = record.code;
    this.record = record;
    this.state = state;
    this.deps = deps;
  }

  /** Build a room from its record and log: replay every entry through the engine (no clock is read). */
  static async load(record: RoomRecord, deps: RoomDeps): Promise<Room> {
    const created = createGame(
      {
        rounds: record.settings.rounds,
        teamSize: record.settings.teamSize,
        fillWithBots: record.settings.fillWithBots,
        botStrategy: record.settings.botStrategy,
      },
      record.deck,
      record.seed,
    );
    if (!created.ok) throw new Error(`room ${record.code}: ${created.error.message}`);
    const room = new Room(record, created.value, deps);
    await room.catchUp();
    // After a restart nobody is connected yet: everyone gets the usual grace before showing as away.
    for (const id of room.state.seatOrder) if (!room.state.seats[id]?.bot) room.startAwayTimer(id);
    room.syncTimer(await deps.store.loadTimer(record.code));
    room.rememberBoard();
    room.watchVacancy();
    // If the server stopped between a person's command and the bots' answers, the bots answer now.
    if (!room.finished) void room.run(() => room.settle(room.state));
    return room;
  }

  get version(): number {
    return this.seq;
  }

  get game(): GameState {
    return this.state;
  }

  get finished(): boolean {
    return this.state.phase === "finished";
  }

  get peerCount(): number {
    return this.attachments.size;
  }

  /** Seats with a person connected right now. */
  get connectedSeats(): number {
    return this.connected.size;
  }

  // ─── the queue ──────────────────────────────────────────────────────────────

  /** Run a task after every earlier one: a room handles one thing at a time. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Read entries other writers appended (a shared store) and apply them. */
  private async catchUp(): Promise<void> {
    for (const entry of await this.deps.store.entries(this.code, this.seq)) {
      if (entry.seq !== this.seq + 1) throw new Error(`room ${this.code}: log gap at ${this.seq + 1}`);
      let next = this.state;
      if (entry.command) {
        const result = applyCommand(this.state, entry.command);
        if (!result.ok)
          throw new Error(`room ${this.code}: replay of #${entry.seq} refused: ${result.error.message}`);
        next = result.state;
      }
      this.remember(entry, next);
    }
  }

  private remember(entry: LogEntry, state: GameState): void {
    this.state = state;
    this.seq = entry.seq;
    if (entry.actionId) this.acks.set(`${entry.actor}|${entry.actionId}`, { seq: entry.seq, ack: entry.ack });
    if (entry.grant) {
      const old = this.seatTokens.get(entry.grant.seatId);
      if (old) {
        this.tokens.delete(old);
        this.revoked.set(old, "seat/replaced");
      }
      this.tokens.set(entry.grant.token, entry.grant.seatId);
      this.seatTokens.set(entry.grant.seatId, entry.grant.token);
    }
    if (entry.command?.type === "seat:remove") {
      const token = this.seatTokens.get(entry.command.seatId);
      if (token) {
        this.tokens.delete(token);
        this.seatTokens.delete(entry.command.seatId);
        this.revoked.set(token, "seat/removed");
      }
    }
  }

  /**
   * Apply one command and append it to the log. On a sequence conflict (another writer got there
   * first) read what it wrote and try again against the new state.
   */
  private async commit(
    actor: Actor,
    actionId: string | null,
    build: (
      state: GameState,
    ) => Outcome<{ command: GameCommand | null; grant?: LogEntry["grant"]; ack: unknown }>,
  ): Promise<Outcome<{ entry: LogEntry }>> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const built = build(this.state);
      if (!built.ok) return built;
      let next = this.state;
      if (built.data.command) {
        const result = applyCommand(this.state, built.data.command);
        if (!result.ok) return result;
        next = result.state;
      }
      const entry: LogEntry = {
        seq: this.seq + 1,
        at: this.deps.clock.now(),
        actor,
        actionId,
        command: built.data.command,
        grant: built.data.grant ?? null,
        ack: built.data.ack,
      };
      const appended = await this.deps.store.append(this.code, entry);
      if (appended.ok) {
        this.remember(entry, next);
        this.deps.onEntry?.(this.code, entry);
        return { ok: true, data: { entry } };
      }
      await this.catchUp();
    }
    return refuse("server/conflict", "The room is busy; try again.");
  }

  /** After accepted entries: let bots answer, move the timers, store the end, send the views. */
  private async settle(before: GameState): Promise<void> {
    await this.runBots();
    this.syncTimer(null);
    if (before.phase === "lobby" && this.state.phase !== "lobby")
      this.deps.logger.info(
        "game.started",
        `room ${this.code}: game started with ${this.state.seatOrder.length} seats`,
        {
          code: this.code,
          seats: this.state.seatOrder.length,
        },
      );
    if (this.state.phase === "finished" && before.phase !== "finished") {
      await this.deps.store.markFinished(this.code, this.deps.clock.now());
      this.deps.logger.info("game.finished", `room ${this.code}: game over`, { code: this.code });
      this.watchVacancy();
    }
    if (this.state.phase === "revealed" && (before.phase !== "revealed" || before.round !== this.state.round))
      this.deps.logger.info("round.revealed", `room ${this.code}: round ${this.state.round} revealed`, {
        code: this.code,
        round: this.state.round,
      });
    this.fanOut();
  }

  private async runBots(): Promise<void> {
    for (let count = 0; count < MAX_BOT_COMMANDS; ) {
      let acted = false;
      for (const seatId of this.state.seatOrder) {
        if (!this.state.seats[seatId]?.bot) continue;
        const random = createRandom(this.state.seed, this.seq + 1);
        for (const command of planBotCommands(this.state, seatId, random)) {
          const phase = this.state.phase;
          const done = await this.commit(`bot:${seatId}`, null, () => ({
            ok: true,
            data: { command, ack: null },
          }));
          if (!done.ok) break;
          acted = true;
          count++;
          if (this.state.phase !== phase) break;
        }
      }
      if (!acted) break;
    }
  }

  // ─── what people send ───────────────────────────────────────────────────────

  /** A seat's own action, the facilitator's command or a timer: one rules command, logged. */
  act(actor: Actor, actionId: string | null, command: GameCommand): Promise<Ack<{ version: number }>> {
    return this.run(async () => {
      const repeat = actionId ? this.acks.get(`${actor}|${actionId}`) : undefined;
      if (repeat) return okAck(repeat.ack as { version: number });
      const before = this.state;
      const done = await this.commit(actor, actionId, () => ({
        ok: true,
        data: { command, ack: { version: this.seq + 1 } },
      }));
      if (!done.ok) return { ok: false as const, error: done.error };
      if (command.type === "seat:remove")
        this.dropPeersOf(command.seatId, "seat/removed", "The facilitator removed you from this game.");
      await this.settle(before);
      return okAck({ version: (done.data.entry.ack as { version: number }).version });
    });
  }

  /** A person joins with a name: a new seat, or (after the start) a bot's or an away seat. */
  join(
    name: string,
    actionId: string,
    peer: Peer,
  ): Promise<Ack<{ seatId: string; seatToken: string; session: Session }>> {
    return this.run(async () => {
      const repeat = this.acks.get(`join|${actionId}`);
      if (repeat) {
        const { seatId, seatToken } = repeat.ack as { seatId: string; seatToken: string };
        // A retry repeats the name too; the same id with another name is not a retry.
        if (this.state.seats[seatId]?.name.toLocaleLowerCase() !== name.toLocaleLowerCase())
          return errorAck("request/invalid", "That action id was used for another join; send a new one.");
        if (this.tokens.get(seatToken) !== seatId)
          return errorAck("seat/replaced", "That seat has been handed to another device.");
        return okAck({ seatId, seatToken, session: this.attachNow(peer, { viewer: "seat", seatId }) });
      }
      if (this.finished)
        return errorAck("room/finished", "This game is over; ask the facilitator for a new room code.");
      const before = this.state;
      const token = newToken();
      const done = await this.commit("join", actionId, (state) => {
        const seat = seatForNewcomer(state, name, this.away);
        const id = seat.kind === "new" ? `s${this.seq + 1}` : seat.seatId;
        const command: GameCommand | null =
          seat.kind === "new"
            ? { type: "seat:add", seatId: id, name, bot: null }
            : seat.kind === "takeOver"
              ? { type: "seat:takeOver", seatId: id, name }
              : null;
        return {
          ok: true,
          data: { command, grant: { seatId: id, token }, ack: { seatId: id, seatToken: token } },
        };
      });
      if (!done.ok) return { ok: false as const, error: done.error };
      const { seatId, seatToken } = done.data.entry.ack as { seatId: string; seatToken: string };
      this.dropPeersOf(seatId, "seat/replaced", "Someone else now holds this seat.", peer.id);
      this.deps.logger.info("seat.joined", `room ${this.code}: ${name} joined (seat ${seatId})`, {
        code: this.code,
        seatId,
      });
      await this.settle(before);
      return okAck({ seatId, seatToken, session: this.attachNow(peer, { viewer: "seat", seatId }) });
    });
  }

  /** A seat's person comes back with their token. */
  rejoin(token: string, peer: Peer, lastVersion = 0): Promise<Ack<{ seatId: string; session: Session }>> {
    return this.run(async () => {
      const seatId = this.tokens.get(token);
      if (!seatId || !this.state.seats[seatId]) {
        const why = this.revoked.get(token);
        if (why === "seat/replaced")
          return errorAck(why, "This seat has been handed to another device. Join again with your name.");
        if (why === "seat/removed")
          return errorAck(why, "The facilitator removed this seat. Join again with your name.");
        return errorAck("auth/invalid_token", "That seat token is not valid in this room.");
      }
      // The client has seen entries this process has not read yet (another process wrote them).
      if (lastVersion > this.seq) {
        await this.catchUp();
        this.fanOut();
      }
      return okAck({ seatId, session: this.attachNow(peer, { viewer: "seat", seatId }) });
    });
  }

  watch(peer: Peer): Promise<Ack<{ session: Session }>> {
    return this.run(async () => okAck({ session: this.attachNow(peer, { viewer: "host" }) }));
  }

  facilitate(token: string, peer: Peer): Promise<Ack<{ session: Session }>> {
    return this.run(async () => {
      if (!this.isFacilitatorToken(token))
        return errorAck("auth/invalid_token", "That facilitator link is not valid for this room.");
      return okAck({ session: this.attachNow(peer, { viewer: "facilitator" }) });
    });
  }

  /** Whether `token` is this room's facilitator token (compared in constant time). */
  isFacilitatorToken(token: string): boolean {
    const given = Buffer.from(token);
    const wanted = Buffer.from(this.record.facilitatorToken);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  /** A full view again, for a peer that lost track. */
  sync(peer: Peer): Promise<Ack<{ session: Session }>> {
    return this.run(async () => {
      const attached = this.attachments.get(peer.id);
      if (!attached) return errorAck("auth/not_in_room", "Join or watch a room first.");
      return okAck({ session: this.attachNow(peer, attached.who) });
    });
  }

  /** The facilitator hands a seat to another device: a new token; the old one stops working. */
  handOver(seatId: string, actionId: string, linkFor: (token: string) => string) {
    return this.run(async (): Promise<Ack<{ seatId: string; seatToken: string; link: string }>> => {
      const repeat = this.acks.get(`facilitator|${actionId}`);
      if (repeat) return okAck(repeat.ack as { seatId: string; seatToken: string; link: string });
      const seat = this.state.seats[seatId];
      if (!seat) return errorAck("seat/not_found", "That seat is not in this game.");
      if (seat.bot) return errorAck("seat/is_bot", "A bot plays that seat; switch the bot off first.");
      const token = newToken();
      const done = await this.commit("facilitator", actionId, () => ({
        ok: true,
        data: {
          command: null,
          grant: { seatId, token },
          ack: { seatId, seatToken: token, link: linkFor(token) },
        },
      }));
      if (!done.ok) return { ok: false as const, error: done.error };
      this.dropPeersOf(seatId, "seat/replaced", "The facilitator handed this seat to another device.");
      return okAck(done.data.entry.ack as { seatId: string; seatToken: string; link: string });
    });
  }

  /** The seat's own person leaves the game. */
  leave(seatId: string, actionId: string, peer: Peer): Promise<Ack<Record<string, never>>> {
    return this.run(async () => {
      const actor: Actor = `seat:${seatId}`;
      if (this.acks.has(`${actor}|${actionId}`)) return okAck({});
      const before = this.state;
      const done = await this.commit(actor, actionId, () => ({
        ok: true,
        data: { command: { type: "seat:remove", seatId }, ack: {} },
      }));
      if (!done.ok) return { ok: false as const, error: done.error };
      this.detachNow(peer.id);
      this.dropPeersOf(seatId, "seat/removed", "You left this game.");
      await this.settle(before);
      return okAck({});
    });
  }

  /** The token of a seat, for tests and tools that must prove who holds it. */
  holdsToken(seatId: string, token: string): boolean {
    return this.seatTokens.get(seatId) === token;
  }

  // ─── sockets, presence and views ────────────────────────────────────────────

  attachedAs(peerId: string): Who | null {
    return this.attachments.get(peerId)?.who ?? null;
  }

  /** Forget a peer (its socket closed). */
  detach(peerId: string): void {
    void this.run(async () => this.detachNow(peerId));
  }

  private attachNow(peer: Peer, who: Who): Session {
    this.detachNow(peer.id);
    this.clearVacancy();
    const me = who.viewer === "seat" ? this.views.seatPart(this.state, who.seatId) : null;
    this.attachments.set(peer.id, { peer, who, version: this.seq, me });
    if (who.viewer === "seat") {
      this.connected.set(who.seatId, (this.connected.get(who.seatId) ?? 0) + 1);
      this.clearAwayTimer(who.seatId);
      if (this.away.delete(who.seatId)) this.pushPresence();
    }
    return {
      code: this.code,
      viewer: who.viewer,
      seatId: who.viewer === "seat" ? who.seatId : null,
      view: this.fullView(who.viewer, me),
      away: [...this.away],
      serverTime: this.deps.clock.now(),
    };
  }

  private detachNow(peerId: string): void {
    const attached = this.attachments.get(peerId);
    if (!attached) return;
    this.attachments.delete(peerId);
    this.watchVacancy();
    if (attached.who.viewer !== "seat") return;
    const seatId = attached.who.seatId;
    const left = (this.connected.get(seatId) ?? 1) - 1;
    if (left > 0) this.connected.set(seatId, left);
    else {
      this.connected.delete(seatId);
      if (this.state.seats[seatId]) this.startAwayTimer(seatId);
    }
  }

  private dropPeersOf(
    seatId: string,
    code: "seat/replaced" | "seat/removed",
    message: string,
    except?: string,
  ): void {
    for (const [peerId, attached] of this.attachments) {
      if (peerId === except || attached.who.viewer !== "seat" || attached.who.seatId !== seatId) continue;
      attached.peer.push("session:ended", { code, message });
      this.detachNow(peerId);
    }
    this.clearAwayTimer(seatId);
    if (this.away.delete(seatId)) this.pushPresence();
  }

  /** A finished game with nobody attached: tell the registry after a while (unless someone comes). */
  private watchVacancy(): void {
    if (!this.deps.onVacant || this.closed || !this.finished || this.attachments.size > 0 || this.vacantTimer)
      return;
    this.vacantTimer = this.deps.clock.setTimeout(() => {
      this.vacantTimer = null;
      if (!this.closed && this.finished && this.attachments.size === 0) this.deps.onVacant?.(this);
    }, this.deps.vacantAfterMs ?? VACANT_AFTER_MS);
  }

  private clearVacancy(): void {
    if (this.vacantTimer !== null) this.deps.clock.clearTimeout(this.vacantTimer);
    this.vacantTimer = null;
  }

  private startAwayTimer(seatId: string): void {
    this.clearAwayTimer(seatId);
    const handle = this.deps.clock.setTimeout(() => {
      this.awayTimers.delete(seatId);
      if (this.closed || this.connected.has(seatId) || !this.state.seats[seatId]) return;
      this.away.add(seatId);
      this.pushPresence();
    }, this.deps.awayAfterMs ?? AWAY_AFTER_MS);
    this.awayTimers.set(seatId, handle);
  }

  private clearAwayTimer(seatId: string): void {
    const handle = this.awayTimers.get(seatId);
    if (handle !== undefined) this.deps.clock.clearTimeout(handle);
    this.awayTimers.delete(seatId);
  }

  private pushPresence(): void {
    const away = [...this.away];
    for (const attached of this.attachments.values()) attached.peer.push("presence:changed", { away });
  }

  isAway(seatId: string): boolean {
    return this.away.has(seatId);
  }

  private publicGame(): PublicGameView {
    return this.views.board(this.state);
  }

  /** The room part of the views: the last one sent while the timer is as it was. */
  private roomInfo(): RoomInfo {
    const timer: TimerView | null = this.timer
      ? {
          kind: this.timer.kind,
          round: this.timer.round,
          durationMs: this.timer.durationMs,
          endsAt: this.timer.endsAt,
          leftMs: this.timer.leftMs,
        }
      : null;
    const last = this.lastRoom;
    if (
      last &&
      (last.timer === timer ||
        (last.timer !== null &&
          timer !== null &&
          last.timer.kind === timer.kind &&
          last.timer.round === timer.round &&
          last.timer.durationMs === timer.durationMs &&
          last.timer.endsAt === timer.endsAt &&
          last.timer.leftMs === timer.leftMs))
    )
      return last;
    return {
      code: this.code,
      deckName: this.record.deck.name,
      settings: this.record.settings,
      timer,
      links: this.record.links,
    };
  }

  private rememberBoard(): void {
    this.lastRoom = this.roomInfo();
    this.lastGame = this.publicGame();
  }

  private fullView(viewer: ViewerKind, me: SeatOwnView | null): RoomView {
    if (!this.lastRoom || !this.lastGame) this.rememberBoard();
    return {
      version: this.seq,
      viewer,
      room: this.lastRoom as RoomInfo,
      game: this.lastGame as PublicGameView,
      me,
    };
  }

  /**
   * Send each peer what changed in its own view. The board's changes are worked out once for the
   * room; a seat's own part comes from the view cache, which hands back the very object it sent last
   * time when nothing the seat sees changed (then there is nothing to diff). Peers whose patch is
   * the board's alone and who start from the same version get one payload, encoded once; they are
   * sent first (the host screen and the facilitator are among them). When the board's part is big
   * (over 2 KB: a reveal), every peer gets it that way, and a seat's own part follows as a second
   * patch of the same version (`base` = `version`).
   */
  private fanOut(): void {
    const room = this.roomInfo();
    const game = this.publicGame();
    const common: PatchOp[] = room === this.lastRoom ? [] : diffView(this.lastRoom, room, ["room"]);
    if (game !== this.lastGame) for (const op of diffView(this.lastGame, game, ["game"])) common.push(op);
    this.lastRoom = room;
    this.lastGame = game;
    const version = this.seq;
    const own: [Attachment, PatchOp[]][] = [];
    for (const attached of this.attachments.values()) {
      if (attached.who.viewer !== "seat") continue;
      const me = this.views.seatPart(this.state, attached.who.seatId);
      if (me === attached.me) continue;
      const mine = diffView(attached.me, me, ["me"]);
      attached.me = me;
      if (mine.length > 0) own.push([attached, mine]);
    }
    const split =
      common.length > 0 &&
      own.length > 0 &&
      jsonLongerThan(common, this.deps.splitBoardBytes ?? SPLIT_BOARD_BYTES);
    // Lists, not maps: an action changes one to three seats' own parts, and the board-only peers
    // almost always start from one version.
    const boardOnly: { base: number; peers: Peer[] }[] = [];
    const separate: { peer: Peer; payload: { base: number; version: number; ops: PatchOp[] } }[] = [];
    for (const attached of this.attachments.values()) {
      const mine = ownOpsOf(own, attached);
      if (mine && !split) {
        const ops = common.length > 0 ? [...common, ...mine] : mine;
        separate.push({ peer: attached.peer, payload: { base: attached.version, version, ops } });
      } else if (common.length > 0) {
        const group = boardOnly.find((g) => g.base === attached.version);
        if (group) group.peers.push(attached.peer);
        else boardOnly.push({ base: attached.version, peers: [attached.peer] });
        if (mine) separate.push({ peer: attached.peer, payload: { base: version, version, ops: mine } });
      } else if (mine) {
        separate.push({ peer: attached.peer, payload: { base: attached.version, version, ops: mine } });
      } else continue;
      attached.version = version;
    }
    for (const { base, peers } of boardOnly) {
      const payload = { base, version, ops: common };
      if (this.deps.pushAll && peers.length > 1) this.deps.pushAll(peers, "view:patched", payload);
      else for (const peer of peers) peer.push("view:patched", payload);
    }
    for (const { peer, payload } of separate) peer.push("view:patched", payload);
  }

  // ─── timers ─────────────────────────────────────────────────────────────────

  /** Start, pause, resume or stop the room's countdown to match the game; `restored` after a restart. */
  private syncTimer(restored: SavedTimer | null): void {
    const { settings } = this.record;
    const { phase, round, paused } = this.state;
    const wanted =
      phase === "planning" && settings.timerSeconds !== null
        ? { kind: "round" as const, durationMs: settings.timerSeconds * 1000 }
        : phase === "revealed" && settings.autoAdvanceSeconds !== null
          ? { kind: "advance" as const, durationMs: settings.autoAdvanceSeconds * 1000 }
          : null;
    const now = this.deps.clock.now();
    let changed = false;
    if (!wanted) {
      if (this.timer) {
        this.stopTimer();
        this.timer = null;
        changed = true;
      }
    } else if (!this.timer || this.timer.kind !== wanted.kind || this.timer.round !== round) {
      this.stopTimer();
      const left =
        restored && restored.kind === wanted.kind && restored.round === round
          ? Math.max(0, Math.min(wanted.durationMs, restored.leftMs))
          : wanted.durationMs;
      this.timer = {
        kind: wanted.kind,
        round,
        durationMs: wanted.durationMs,
        leftMs: left,
        endsAt: null,
        handle: null,
      };
      changed = true;
    }
    const timer = this.timer;
    if (timer) {
      if (paused && timer.endsAt !== null) {
        timer.leftMs = Math.max(0, timer.endsAt - now);
        timer.endsAt = null;
        this.stopTimer();
        changed = true;
      } else if (!paused && timer.endsAt === null) {
        timer.endsAt = now + timer.leftMs;
        timer.handle = this.deps.clock.setTimeout(() => this.expire(timer.kind, timer.round), timer.leftMs);
        changed = true;
      }
    }
    if (changed)
      this.deps.store.saveTimer(this.code, this.savedTimer()).catch((error: unknown) =>
        this.deps.logger.error(
          "timer.save_failed",
          `room ${this.code}: saving the timer failed: ${String(error)}`,
          {
            code: this.code,
          },
        ),
      );
  }

  private stopTimer(): void {
    if (this.timer?.handle) this.deps.clock.clearTimeout(this.timer.handle);
    if (this.timer) this.timer.handle = null;
  }

  /** The countdown as stored: time left now, so a restart resumes with what it had. */
  savedTimer(): SavedTimer | null {
    const timer = this.timer;
    if (!timer) return null;
    const running = timer.endsAt !== null;
    const leftMs = running ? Math.max(0, (timer.endsAt as number) - this.deps.clock.now()) : timer.leftMs;
    return { kind: timer.kind, round: timer.round, leftMs, running };
  }

  get timerRunning(): boolean {
    return this.timer?.endsAt != null;
  }

  private expire(kind: "round" | "advance", round: number): void {
    void this.run(async () => {
      if (this.closed) return;
      const { phase, paused } = this.state;
      if (paused || this.state.round !== round) return;
      const before = this.state;
      if (kind === "round" && phase === "planning") {
        const done = await this.commit("timer", null, () => ({
          ok: true,
          data: { command: { type: "round:timerExpired", round }, ack: null },
        }));
        if (done.ok) await this.settle(before);
      } else if (kind === "advance" && phase === "revealed") {
        const done = await this.commit("timer", null, () => ({
          ok: true,
          data: { command: { type: "round:next" }, ack: null },
        }));
        if (done.ok) await this.settle(before);
      }
    }).catch((error: unknown) =>
      this.deps.logger.error("timer.failed", `room ${this.code}: timer failed: ${String(error)}`, {
        code: this.code,
      }),
    );
  }

  /** Tell every peer the room is gone and stop its timers. */
  close(reason?: { code: "room/deleted"; message: string }): void {
    this.closed = true;
    this.stopTimer();
    this.clearVacancy();
    for (const handle of this.awayTimers.values()) this.deps.clock.clearTimeout(handle);
    this.awayTimers.clear();
    if (reason) for (const attached of this.attachments.values()) attached.peer.push("session:ended", reason);
    this.attachments.clear();
  }

  /** Wait for every queued task (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }
}
