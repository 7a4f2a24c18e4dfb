/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode. An entry is written before its
 * ack is sent; with `synchronous=NORMAL` a committed entry survives the process being killed (not a
 * power cut, which would need `FULL` at a cost on every action). The primary key (room, seq) is
 * the log's unique key: a second writer for the same sequence number gets `conflict`.
 *
 * Appends are committed together: those of one turn of the event loop are queued, and written
 * and committed in one transaction right after the event loop has handled that turn's input
 * (`setImmediate`); one append alone is one statement, its own transaction. Each append resolves
 * only then, so nothing is acknowledged before it is committed, and a sequence number already
 * taken resolves to `conflict` then. Under load a turn carries several rooms' actions, and one
 * commit (its locks and its WAL header) serves them all. A turn longer than `commitWithinMs` (a
 * burst, or a server near saturation) commits in parts, so that an early request's ack does not
 * wait for the rest of the turn's input. Saved timers and finished games go with them; every
 * other method commits what is waiting first, so a read sees every write before it.
 *
 * Checkpoints (copying the WAL back into the database file, with an fsync) are not left to the
 * commit that happens to cross SQLite's threshold: that would stall the event loop, and every ack
 * waiting behind it, for 5–30 ms about once a second under load. A worker thread with its own
 * connection runs a passive checkpoint every `checkpointEveryMs` instead, which never blocks the
 * writer; closing the store checkpoints what is left. When the WAL has grown long, the writer
 * copies the few frames the worker's last checkpoint left, between two transactions, so that
 * SQLite rewinds the WAL (`rewindWal`); without it, steady load would grow the WAL without end.
 * It does so on a turn of its own, after the last commit's acks are written, as its fsyncs block.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { AppendResult, LogEntry, RoomRecord, RoomStore, SavedTimer } from "./room-store";

const SCHEMA_VERSION = 1;

interface RoomRow {
  code: string;
  created_at: number;
  seed: number;
  settings: string;
  deck: string;
  facilitator_token: string;
  links: string;
  finished_at: number | null;
}

interface EntryRow {
  seq: number;
  at: number;
  actor: string;
  action_id: string | null;
  command: string | null;
  grant_json: string | null;
  ack: string;
}

function roomFrom(row: RoomRow): RoomRecord {
  return {
    code: row.code,
    createdAt: row.created_at,
    seed: row.seed,
    settings: JSON.parse(row.settings),
    deck: JSON.parse(row.deck),
    facilitatorToken: row.facilitator_token,
    links: JSON.parse(row.links),
    finishedAt: row.finished_at,
  };
}

function entryFrom(row: EntryRow): LogEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor as LogEntry["actor"],
    actionId: row.action_id,
    command: row.command === null ? null : JSON.parse(row.command),
    grant: row.grant_json === null ? null : JSON.parse(row.grant_json),
    ack: JSON.parse(row.ack),
  };
}

/**
 * The checkpointer's code: plain CommonJS run in a worker thread (no TypeScript loader there). It
 * opens the same file and checkpoints passively on a timer; a busy database just waits for the
 * next tick. When the WAL has grown past `restartFrames` it tells the writer, which rewinds it
 * (see `rewindWal`).
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
setInterval(() => {
  try {
    const [{ log }] = db.pragma("wal_checkpoint(PASSIVE)");
    if (log > workerData.restartFrames) parentPort.postMessage(log);
  } catch {}
}, workerData.everyMs);
`;

export interface SqliteStoreOptions {
  /** How often the worker thread checkpoints the WAL; 0 leaves it to SQLite (on the writer's thread). */
  checkpointEveryMs?: number;
  /** WAL frames (pages) past which the writer rewinds the WAL after the worker's checkpoint. */
  walRestartFrames?: number;
  /**
   * The longest a queued write waits for the end of its turn: a write queued later than this
   * after the first one still waiting commits those first (see `writeInTurn`).
   */
  commitWithinMs?: number;
}

const CHECKPOINT_EVERY_MS = 1_000;
/** A turn of the event loop longer than this (a burst, or a saturated server) commits in parts. */
const COMMIT_WITHIN_MS = 2;
/** 2,048 frames of 4 KB: the WAL is rewound at about 8 MB, so it stays under `WAL_SIZE_LIMIT`. */
const WAL_RESTART_FRAMES = 2_048;
/** After a checkpoint has emptied it, the WAL file is cut back to this size. */
const WAL_SIZE_LIMIT = 16 * 1024 * 1024;

const APPENDED: AppendResult = { ok: true };
const CONFLICT: AppendResult = { ok: false, reason: "conflict" };

/** A write queued for the end of the turn, and who waits for its answer. */
interface Waiting {
  write: () => AppendResult;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** What a write gets once the store is closed (the words better-sqlite3 uses). */
const closed = () => new TypeError("The database connection is not open");

export class SqliteRoomStore implements RoomStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly checkpointer: Worker | null = null;
  /** Writes queued in this turn of the event loop, written and answered at its end (a long turn's sooner). */
  private waiting: Waiting[] = [];
  /** When the first of `waiting` was queued (`performance.now()`). */
  private waitingSince = 0;
  private readonly commitWithinMs: number;
  /** `commitAtTurnEnd` is queued with `setImmediate`. */
  private commitScheduled = false;
  /** The worker found the WAL long: checkpoint what it has not copied yet, on the turn after the next commit. */
  private rewindWanted = false;
  /** `rewindBetweenTurns` is on a timer already. */
  private rewindScheduled = false;

  /** `file` is a path, or ":memory:". The folder is created if needed. */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.commitWithinMs = options.commitWithinMs ?? COMMIT_WITHIN_MS;
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    this.migrate();
    const everyMs = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
    if (file !== ":memory:" && everyMs > 0) {
      this.db.pragma("wal_autocheckpoint = 0");
      this.checkpointer = new Worker(CHECKPOINTER, {
        eval: true,
        execArgv: [],
        workerData: {
          driver: createRequire(import.meta.url).resolve("better-sqlite3"),
          file,
          everyMs,
          restartFrames: options.walRestartFrames ?? WAL_RESTART_FRAMES,
        },
      });
      this.checkpointer.unref();
      this.checkpointer.on("message", () => {
        this.rewindWanted = true;
      });
      // Should the thread fail, SQLite checkpoints on the writer's thread again, as by default.
      this.checkpointer.on("error", () => this.db.open && this.db.pragma("wal_autocheckpoint = 1000"));
    }
    this.statements = {
      createRoom: this.db.prepare(
        `INSERT OR IGNORE INTO rooms (code, created_at, seed, settings, deck, facilitator_token, links)
         VALUES (@code, @createdAt, @seed, @settings, @deck, @facilitatorToken, @links)`,
      ),
      getRoom: this.db.prepare("SELECT * FROM rooms WHERE code = ?"),
      unfinished: this.db.prepare("SELECT * FROM rooms WHERE finished_at IS NULL ORDER BY created_at"),
      append: this.db.prepare(
        `INSERT INTO actions (room, seq, at, actor, action_id, command, grant_json, ack)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      entries: this.db.prepare(
        "SELECT seq, at, actor, action_id, command, grant_json, ack FROM actions WHERE room = ? AND seq > ? ORDER BY seq",
      ),
      finish: this.db.prepare("UPDATE rooms SET finished_at = ? WHERE code = ?"),
      saveTimer: this.db.prepare("UPDATE rooms SET timer = ? WHERE code = ?"),
      loadTimer: this.db.prepare("SELECT timer FROM rooms WHERE code = ?"),
      deleteRoom: this.db.prepare("DELETE FROM rooms WHERE code = ?"),
      deleteActions: this.db.prepare("DELETE FROM actions WHERE room = ?"),
      count: this.db.prepare("SELECT count(*) AS n FROM actions"),
      begin: this.db.prepare("BEGIN IMMEDIATE"),
      commit: this.db.prepare("COMMIT"),
      rollback: this.db.prepare("ROLLBACK"),
    };
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new Error(
        `The database was written by a newer Boxless (schema ${version}); this one knows ${SCHEMA_VERSION}.`,
      );
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS rooms (
        code TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        settings TEXT NOT NULL,
        deck TEXT NOT NULL,
        facilitator_token TEXT NOT NULL,
        links TEXT NOT NULL,
        finished_at INTEGER,
        timer TEXT
      );
      CREATE TABLE IF NOT EXISTS actions (
        room TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action_id TEXT,
        command TEXT,
        grant_json TEXT,
        ack TEXT NOT NULL,
        PRIMARY KEY (room, seq)
      ) WITHOUT ROWID;
    `);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  async createRoom(room: RoomRecord): Promise<boolean> {
    this.commitWaiting();
    const result = this.statements.createRoom.run({
      ...room,
      settings: JSON.stringify(room.settings),
      deck: JSON.stringify(room.deck),
      links: JSON.stringify(room.links),
    });
    return result.changes === 1;
  }

  async getRoom(code: string): Promise<RoomRecord | null> {
    this.commitWaiting();
    const row = this.statements.getRoom.get(code) as RoomRow | undefined;
    return row ? roomFrom(row) : null;
  }

  async unfinishedRooms(): Promise<RoomRecord[]> {
    this.commitWaiting();
    return (this.statements.unfinished.all() as RoomRow[]).map(roomFrom);
  }

  /**
   * Written with the rest of this turn's writes, right after the event loop has handled the turn's
   * input (see the module comment), and resolved once they are committed. A sequence number
   * already taken resolves to `conflict` then, and the turn's other writes commit all the same.
   */
  append(code: string, entry: LogEntry): Promise<AppendResult> {
    return this.writeInTurn(() => {
      try {
        this.statements.append.run(
          code,
          entry.seq,
          entry.at,
          entry.actor,
          entry.actionId,
          entry.command === null ? null : JSON.stringify(entry.command),
          entry.grant === null ? null : JSON.stringify(entry.grant),
          JSON.stringify(entry.ack ?? null),
        );
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") return CONFLICT;
        throw error;
      }
      return APPENDED;
    });
  }

  /**
   * Queues a write for the end of this turn of the event loop and resolves with its result once it
   * is committed. Nothing touches SQLite until then: the writes of one turn run back to back, and
   * one write alone is one statement (its own transaction) instead of three calls into SQLite, each
   * of which, between a loaded server's other work, starts with cold caches.
   *
   * A long turn (a burst of games starting, or a server near saturation, where one turn handles
   * every socket that became readable during the last) commits in parts: a write queued more than
   * `commitWithinMs` after the oldest one waiting commits those first, so their acks and patches
   * leave when the request being handled now is done, not after the rest of the turn's input.
   */
  private writeInTurn(write: () => AppendResult): Promise<AppendResult> {
    if (!this.db.open) return Promise.reject(closed());
    if (this.waiting.length === 0) this.waitingSince = performance.now();
    else if (performance.now() - this.waitingSince > this.commitWithinMs) {
      this.commitWaiting();
      this.waitingSince = performance.now();
    }
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(this.commitAtTurnEnd);
    }
    return new Promise((resolve, reject) => this.waiting.push({ write, resolve, reject }));
  }

  private readonly commitAtTurnEnd = (): void => {
    this.commitScheduled = false;
    this.commitWaiting();
  };

  /** Writes and commits what this turn queued, then answers each write. */
  private commitWaiting(): void {
    const waiting = this.waiting;
    if (waiting.length === 0) return;
    this.waiting = [];
    if (!this.db.open) {
      for (const write of waiting) write.reject(closed());
      return;
    }
    if (!this.writeAll(waiting)) return;
    // Not now: the writes just answered have their acks written at the end of this tick, and the
    // rewind's fsyncs (8-9 ms on a slow disk) would hold them back.
    if (this.rewindWanted && !this.rewindScheduled) {
      this.rewindScheduled = true;
      setTimeout(this.rewindBetweenTurns, 0);
    }
  }

  /**
   * The turn's writes: one alone is one statement, its own transaction; several share one. A write
   * that fails on its own (its statement is undone, a shared transaction stays open) is refused
   * alone; if SQLite rolls a shared transaction back (a full disk, an I/O error), every write in it
   * is refused, as none was committed. False then (and the WAL's rewind waits for a commit).
   */
  private writeAll(waiting: readonly Waiting[]): boolean {
    const together = waiting.length > 1;
    const results: (AppendResult | { error: unknown })[] = [];
    try {
      if (together) this.statements.begin.run();
      for (const { write } of waiting) {
        try {
          results.push(write());
        } catch (error) {
          if (together && !this.db.inTransaction) throw error;
          results.push({ error });
        }
      }
      if (together) this.statements.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.statements.rollback.run();
      for (const write of waiting) write.reject(error);
      return false;
    }
    for (const [i, write] of waiting.entries()) {
      const result = results[i] as AppendResult | { error: unknown };
      if ("error" in result) write.reject(result.error);
      else write.resolve(result);
    }
    return true;
  }

  /**
   * Runs on a later turn of the event loop, once the last commit's acks are written. Writes queued
   * since (by a timer, or a room's follow-up in the same tick) are committed first: waiting for a
   * turn with none could wait for ever under writes that never pause.
   */
  private readonly rewindBetweenTurns = (): void => {
    if (this.db.open && this.rewindWanted) {
      this.commitWaiting();
      this.rewindWal();
    }
    this.rewindScheduled = false;
  };

  /**
   * SQLite rewinds the WAL (writes it again from the start) only when a write transaction begins
   * with every frame already copied into the database file. Under steady load the next
   * transaction begins right after each commit, before the worker's checkpoint can catch up, so
   * the WAL would grow for as long as the load lasts (~300 MB in 40 s of the load bench), and
   * every frame would be appended to a growing file (the kernel zeroes each new page) instead of
   * overwriting one. So, between two transactions, the writer copies what the worker's last
   * checkpoint left (the frames of the last moments, with an fsync of each file: ~1 ms) and the
   * next transaction rewinds the WAL. Passive: if the worker is checkpointing at that moment it
   * returns at once, and the writer tries again after its next commit.
   */
  private rewindWal(): void {
    try {
      const [result] = this.db.pragma("wal_checkpoint(PASSIVE)") as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      if (result && result.busy === 0 && result.checkpointed === result.log) this.rewindWanted = false;
    } catch {
      // Busy or failed: the next commit tries again; the worker's checkpoints go on either way.
    }
  }

  async entries(code: string, afterSeq = 0): Promise<LogEntry[]> {
    this.commitWaiting();
    return (this.statements.entries.all(code, afterSeq) as EntryRow[]).map(entryFrom);
  }

  /** In this turn's transaction, like an append: resolved when it commits. */
  async markFinished(code: string, at: number): Promise<void> {
    await this.writeInTurn(() => {
      this.statements.finish.run(at, code);
      return APPENDED;
    });
  }

  /**
   * In this turn's transaction, like an append: the registry saves every running timer every 2 s,
   * and each was a transaction of its own (250 rooms with timers: 250 commits in one turn).
   */
  async saveTimer(code: string, timer: SavedTimer | null): Promise<void> {
    await this.writeInTurn(() => {
      this.statements.saveTimer.run(timer === null ? null : JSON.stringify(timer), code);
      return APPENDED;
    });
  }

  async loadTimer(code: string): Promise<SavedTimer | null> {
    this.commitWaiting();
    const row = this.statements.loadTimer.get(code) as { timer: string | null } | undefined;
    return row?.timer ? (JSON.parse(row.timer) as SavedTimer) : null;
  }

  async deleteRoom(code: string): Promise<void> {
    this.commitWaiting();
    this.db.transaction(() => {
      this.statements.deleteActions.run(code);
      this.statements.deleteRoom.run(code);
    })();
  }

  async countEntries(): Promise<number> {
    this.commitWaiting();
    return (this.statements.count.get() as { n: number }).n;
  }

  async close(): Promise<void> {
    this.commitWaiting();
    await this.checkpointer?.terminate();
    if (!this.db.open) return;
    if (this.checkpointer) this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.close();
  }
}
