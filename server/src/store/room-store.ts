/**
 * Where rooms and their action logs are kept. The server talks to storage only through this
 * interface; SQLite is the embedded default, and a shared store (Redis, say) for several server
 * processes can implement the same methods. `append` is the one that makes sharing safe: it takes
 * the sequence number the entry expects and fails with `conflict` if another writer took it first,
 * so no process has to own a room.
 */
import type { Deck, GameCommand, RoomSettings } from "@boxless/shared";

export interface RoomRecord {
  code: string;
  createdAt: number;
  seed: number;
  settings: RoomSettings;
  deck: Deck;
  facilitatorToken: string;
  links: { join: string; lanJoin: string | null };
  finishedAt: number | null;
}

/** Who sent a command: a seat, the facilitator, a bot, the room's timer, or a newcomer joining. */
export type Actor = `seat:${string}` | "facilitator" | `bot:${string}` | "timer" | "join";

export interface LogEntry {
  seq: number;
  /** Server time when it was accepted; replay never reads it. */
  at: number;
  actor: Actor;
  /** The client-made action id, for answering a retry with the first ack. */
  actionId: string | null;
  /** The rules command applied, or null for an entry that only hands out a seat token. */
  command: GameCommand | null;
  /** A seat token handed out with this entry (joining, taking over, handing over). */
  grant: { seatId: string; token: string } | null;
  /** The data of the ack first sent for it. */
  ack: unknown;
}

export interface SavedTimer {
  kind: "round" | "advance";
  round: number;
  leftMs: number;
  running: boolean;
}

export type AppendResult = { ok: true } | { ok: false; reason: "conflict" };

export interface RoomStore {
  /** Fails (resolves false) if the code is taken. */
  createRoom(room: RoomRecord): Promise<boolean>;
  getRoom(code: string): Promise<RoomRecord | null>;
  unfinishedRooms(): Promise<RoomRecord[]>;
  append(code: string, entry: LogEntry): Promise<AppendResult>;
  /** Entries after `afterSeq`, in order. */
  entries(code: string, afterSeq?: number): Promise<LogEntry[]>;
  markFinished(code: string, at: number): Promise<void>;
  saveTimer(code: string, timer: SavedTimer | null): Promise<void>;
  loadTimer(code: string): Promise<SavedTimer | null>;
  deleteRoom(code: string): Promise<void>;
  countEntries(): Promise<number>;
  close(): Promise<void>;
}
