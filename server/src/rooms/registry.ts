/**
 * Every room this server holds, by code. Unfinished rooms are rebuilt from the log at start (their
 * timers resume with the time they had left); finished ones are loaded when someone asks for them,
 * and let go again once nobody has been attached to them for a while. Rooms playing the same deck
 * share one deck object (and so its index and card views' hand-offs).
 */
import { randomInt } from "node:crypto";
import { type Deck, ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, type RoomSettings } from "@boxless/shared";
import type { RoomRecord } from "../store/room-store";
import { newToken, Room, type RoomDeps } from "./room";

const TIMER_CHECKPOINT_MS = 2_000;
/** Distinct decks kept for sharing (the built-in one, and custom ones in use). */
const SHARED_DECKS = 32;

export function newRoomCode(): string {
  let code = "";
  for (let i = 0; i < ROOM_CODE_LENGTH; i++) code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room | null>>();
  private checkpoint: ReturnType<typeof setInterval> | null = null;
  private readonly decks = new Map<string, Deck>();
  /** Each deck object's JSON, its key in `decks` (worked out once per object). */
  private readonly deckKeys = new WeakMap<Deck, string>();
  private readonly roomDeps: RoomDeps;

  /**
   * `owns`: whether a room code is this process's (all of them unless the server runs as several;
   * cluster/shards.ts). A code it does not own is never created, loaded or found here.
   */
  constructor(
    private readonly deps: RoomDeps,
    readonly owns: (code: string) => boolean = () => true,
  ) {
    this.roomDeps = { ...deps, onVacant: (room) => this.letGo(room) };
  }

  /** A finished room nobody is attached to: dropped from memory (the store keeps it). */
  private letGo(room: Room): void {
    if (this.rooms.get(room.code) !== room || !room.finished || room.peerCount > 0) return;
    this.rooms.delete(room.code);
    room.close();
  }

  /** The record with its deck shared with other rooms playing the same deck (decks never change). */
  private shareDeck(record: RoomRecord): RoomRecord {
    let key = this.deckKeys.get(record.deck);
    if (key === undefined) {
      key = JSON.stringify(record.deck);
      this.deckKeys.set(record.deck, key);
    }
    const known = this.decks.get(key);
    if (known) {
      // Most recently used last: the oldest is the first to go.
      this.decks.delete(key);
      this.decks.set(key, known);
      return known === record.deck ? record : { ...record, deck: known };
    }
    this.decks.set(key, record.deck);
    if (this.decks.size > SHARED_DECKS) this.decks.delete(this.decks.keys().next().value as string);
    return record;
  }

  private load(record: RoomRecord): Promise<Room> {
    return Room.load(this.shareDeck(record), this.roomDeps);
  }

  /** Rebuild every unfinished room from the store, and start checkpointing running timers. */
  async restore(): Promise<number> {
    const records = await this.deps.store.unfinishedRooms();
    for (const record of records) {
      try {
        this.rooms.set(record.code, await this.load(record));
      } catch (error) {
        this.deps.logger.error(
          "room.replay_failed",
          `room ${record.code} could not be rebuilt: ${String(error)}`,
          {
            code: record.code,
          },
        );
      }
    }
    this.checkpoint = setInterval(
      () =>
        this.saveTimers().catch((error: unknown) =>
          this.deps.logger.error("timers.save_failed", `saving the timers failed: ${String(error)}`),
        ),
      TIMER_CHECKPOINT_MS,
    );
    this.checkpoint.unref();
    return this.rooms.size;
  }

  /**
   * Store each running timer's time left, so a crash costs at most a checkpoint's worth of timer.
   * All in one go: the store writes them in one transaction.
   */
  async saveTimers(): Promise<void> {
    const saves: Promise<void>[] = [];
    for (const room of this.rooms.values())
      if (room.timerRunning) saves.push(this.deps.store.saveTimer(room.code, room.savedTimer()));
    await Promise.all(saves);
  }

  async create(
    settings: RoomSettings,
    deck: Deck,
    links: (code: string) => RoomRecord["links"],
  ): Promise<Room> {
    for (let attempt = 0; attempt < 20; ) {
      const code = newRoomCode();
      if (!this.owns(code)) continue; // another process's code (as likely as any other)
      attempt++;
      if (this.rooms.has(code)) continue;
      const record: RoomRecord = {
        code,
        createdAt: this.deps.clock.now(),
        seed: randomInt(2 ** 31),
        settings,
        deck,
        facilitatorToken: newToken(),
        links: links(code),
        finishedAt: null,
      };
      if (!(await this.deps.store.createRoom(record))) continue;
      const room = await this.load(record);
      this.rooms.set(code, room);
      this.deps.logger.info(
        "room.created",
        `room ${code} created (deck "${record.deck.name}", ${settings.rounds} rounds, teams of ${settings.teamSize})`,
        { code },
      );
      return room;
    }
    throw new Error("could not find a free room code");
  }

  /** The room with this code, loading a finished one from the store; null if there is none. */
  async get(code: string): Promise<Room | null> {
    if (!this.owns(code)) return null;
    const loaded = this.rooms.get(code);
    if (loaded) return loaded;
    let pending = this.loading.get(code);
    if (!pending) {
      pending = (async () => {
        const record = await this.deps.store.getRoom(code);
        if (!record) return null;
        const room = await this.load(record);
        this.rooms.set(code, room);
        return room;
      })().finally(() => this.loading.delete(code));
      this.loading.set(code, pending);
    }
    return pending;
  }

  async delete(code: string): Promise<boolean> {
    const room = await this.get(code);
    if (!room) return false;
    room.close({ code: "room/deleted", message: "The facilitator deleted this room." });
    this.rooms.delete(code);
    await this.deps.store.deleteRoom(code);
    this.deps.logger.info("room.deleted", `room ${code} deleted`, { code });
    return true;
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** Seats with a person connected now, across rooms. */
  get connectedPlayers(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.connectedSeats;
    return n;
  }

  get activeCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) if (!room.finished) n++;
    return n;
  }

  /** Stop timers and save their time left (a clean shutdown). */
  async close(): Promise<void> {
    if (this.checkpoint) clearInterval(this.checkpoint);
    for (const room of this.rooms.values()) await room.idle();
    await this.saveTimers();
    for (const room of this.rooms.values()) room.close();
  }
}
