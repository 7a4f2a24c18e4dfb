/**
 * The action log on a real SQLite file: entries come back in order, a sequence number can be taken
 * only once, and two rooms sharing one log (as two server processes would) stay in step: the one
 * that loses a race reads what the other wrote and applies its own command after it.
 */
import fs from "node:fs";
import { builtinDeck, RoomSettings } from "@boxless/shared";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../clock";
import { createLogger } from "../logger";
import { Room } from "../rooms/room";
import { tempDbFile } from "../testing/harness";
import type { LogEntry, RoomRecord } from "./room-store";
import { SqliteRoomStore, type SqliteStoreOptions } from "./sqlite-store";

const stores: SqliteRoomStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function open(file = tempDbFile(), options: SqliteStoreOptions = {}): SqliteRoomStore {
  const store = new SqliteRoomStore(file, options);
  stores.push(store);
  return store;
}

const record: RoomRecord = {
  code: "K7QXP",
  createdAt: 0,
  seed: 42,
  settings: RoomSettings.parse({ fillWithBots: false, timerSeconds: null }),
  deck: builtinDeck,
  facilitatorToken: "f".repeat(32),
  links: { join: "http://example/join/K7QXP", lanJoin: null },
  finishedAt: null,
};

const entry = (seq: number, name: string): LogEntry => ({
  seq,
  at: seq * 1000,
  actor: "join",
  actionId: `action-${seq}-xyz`,
  command: { type: "seat:add", seatId: `s${seq}`, name, bot: null },
  grant: { seatId: `s${seq}`, token: `token-${seq}-${"t".repeat(20)}` },
  ack: { seatId: `s${seq}`, seatToken: `token-${seq}-${"t".repeat(20)}` },
});

/** An entry of ~1 KB, so that the WAL grows quickly. */
const bigEntry = (seq: number): LogEntry => ({ ...entry(seq, "Ann"), ack: { note: "x".repeat(1_000) } });

/** The size of a database file's WAL, 0 when there is none. */
const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

describe("the SQLite action log", () => {
  it("keeps entries in order and refuses a sequence number that is taken", async () => {
    const store = open();
    expect(await store.createRoom(record)).toBe(true);
    expect(await store.createRoom(record)).toBe(false);
    expect(await store.append(record.code, entry(1, "Ann"))).toEqual({ ok: true });
    expect(await store.append(record.code, entry(2, "Bo"))).toEqual({ ok: true });
    expect(await store.append(record.code, entry(2, "Cy"))).toEqual({ ok: false, reason: "conflict" });
    expect(await store.entries(record.code)).toEqual([entry(1, "Ann"), entry(2, "Bo")]);
    expect(await store.entries(record.code, 1)).toEqual([entry(2, "Bo")]);
  });

  it("survives closing and opening the file again", async () => {
    const file = tempDbFile();
    const first = open(file);
    await first.createRoom(record);
    await first.append(record.code, entry(1, "Ann"));
    await first.saveTimer(record.code, { kind: "round", round: 1, leftMs: 1234, running: true });
    await first.close();
    const second = open(file);
    expect(await second.getRoom(record.code)).toEqual(record);
    expect(await second.entries(record.code)).toEqual([entry(1, "Ann")]);
    expect(await second.loadTimer(record.code)).toEqual({
      kind: "round",
      round: 1,
      leftMs: 1234,
      running: true,
    });
    expect((await second.unfinishedRooms()).map((r) => r.code)).toEqual([record.code]);
    await second.markFinished(record.code, 99);
    expect(await second.unfinishedRooms()).toEqual([]);
    expect((await second.getRoom(record.code))?.finishedAt).toBe(99);
  });

  it("commits the appends of one turn of the event loop together, and answers each only once committed", async () => {
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 0, commitWithinMs: 60_000 });
    await store.createRoom(record);
    await store.createRoom({ ...record, code: "B2B2B" });
    // Another process reading the same file sees only what is committed.
    const reader = new Database(file, { readonly: true });
    const committed = () => (reader.prepare("SELECT count(*) AS n FROM actions").get() as { n: number }).n;
    try {
      const answered: string[] = [];
      const appends = [
        store.append(record.code, entry(1, "Ann")),
        store.append("B2B2B", entry(1, "Bo")),
        store.append(record.code, entry(2, "Cy")),
        // A sequence number that is taken: refused, and the rest of the turn commits all the same.
        store.append(record.code, entry(2, "Di")),
      ].map((append, i) => append.then((result) => answered.push(`${i}:${result.ok}`)));
      await Promise.resolve();
      expect(answered).toEqual([]);
      expect(committed()).toBe(0);
      await Promise.all(appends);
      expect(answered).toEqual(["0:true", "1:true", "2:true", "3:false"]);
      expect(committed()).toBe(3);
      // The next turn's appends are the next transaction.
      const next = store.append(record.code, entry(3, "Ed"));
      expect(committed()).toBe(3);
      expect(await next).toEqual({ ok: true });
      expect(committed()).toBe(4);
      expect((await store.entries(record.code)).map((e) => e.command)).toEqual(
        [entry(1, "Ann"), entry(2, "Cy"), entry(3, "Ed")].map((e) => e.command),
      );
    } finally {
      reader.close();
    }
  });

  it("saves the timers of many rooms, and a finished game, in the turn's one transaction", async () => {
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 0, commitWithinMs: 60_000 });
    const codes = Array.from({ length: 50 }, (_, i) => `T${String(i).padStart(4, "0")}`);
    for (const code of codes) await store.createRoom({ ...record, code });
    const reader = new Database(file, { readonly: true });
    const saved = () =>
      (reader.prepare("SELECT count(*) AS n FROM rooms WHERE timer IS NOT NULL").get() as { n: number }).n;
    const finished = () =>
      (reader.prepare("SELECT count(*) AS n FROM rooms WHERE finished_at IS NOT NULL").get() as { n: number })
        .n;
    try {
      // The registry's checkpoint of every running timer, and an append and a game's end with them.
      const writes = [
        ...codes.map((code, i) =>
          store.saveTimer(code, { kind: "round", round: 1, leftMs: 1_000 * i, running: true }),
        ),
        store.append(codes[0] as string, entry(1, "Ann")),
        store.markFinished(codes[1] as string, 5_000),
      ];
      // Nothing is committed yet (each used to be a transaction of its own, committed at once).
      expect(saved()).toBe(0);
      expect(finished()).toBe(0);
      await Promise.all(writes);
      expect(saved()).toBe(50);
      expect(finished()).toBe(1);
      expect(await store.loadTimer(codes[7] as string)).toEqual({
        kind: "round",
        round: 1,
        leftMs: 7_000,
        running: true,
      });
    } finally {
      reader.close();
    }
  });

  it("commits a long turn in parts: a write queued long after the oldest waiting one commits those first", async () => {
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 0, commitWithinMs: 40 });
    await store.createRoom(record);
    const reader = new Database(file, { readonly: true });
    const committed = () => (reader.prepare("SELECT count(*) AS n FROM actions").get() as { n: number }).n;
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    try {
      // One turn: two appends close together, then the turn goes on (other sockets' requests).
      const answered: number[] = [];
      const first = [store.append(record.code, entry(1, "Ann")), store.append(record.code, entry(2, "Bo"))];
      for (const [i, append] of first.entries()) void append.then(() => answered.push(i + 1));
      busy(2);
      const third = store.append(record.code, entry(3, "Cy"));
      void third.then(() => answered.push(3));
      expect(committed()).toBe(0); // within 40 ms of the first: still waiting with it
      busy(50);
      const fourth = store.append(record.code, entry(4, "Di"));
      void fourth.then(() => answered.push(4));
      // 52 ms after the first: the three before it are committed, and answered on this turn's
      // microtasks; the fourth waits for the turn's end.
      expect(committed()).toBe(3);
      await Promise.resolve();
      await Promise.resolve();
      expect(answered).toEqual([1, 2, 3]);
      expect(await fourth).toEqual({ ok: true });
      expect(committed()).toBe(4);
      expect(answered).toEqual([1, 2, 3, 4]);
    } finally {
      reader.close();
    }
  });

  it("commits what is waiting before anything else reads or writes the file", async () => {
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 0 });
    await store.createRoom(record);
    const pending = store.append(record.code, entry(1, "Ann"));
    // Read back in the same turn: the entry is there, committed, and its append is answered.
    expect(await store.countEntries()).toBe(1);
    const reader = new Database(file, { readonly: true });
    try {
      expect((reader.prepare("SELECT count(*) AS n FROM actions").get() as { n: number }).n).toBe(1);
    } finally {
      reader.close();
    }
    expect(await pending).toEqual({ ok: true });
    // Closing commits too.
    const last = store.append(record.code, entry(2, "Bo"));
    await store.close();
    expect(await last).toEqual({ ok: true });
    const again = open(file, { checkpointEveryMs: 0 });
    expect(await again.entries(record.code)).toHaveLength(2);
  });

  it("keeps the WAL small with checkpoints off the writer's thread, and loses nothing doing it", async () => {
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 20 });
    await store.createRoom(record);
    let largest = 0;
    // 3,000 entries of ~1 KB: with no checkpoint at all the WAL would pass 12 MB.
    for (let seq = 1; seq <= 3_000; seq++) {
      expect(await store.append(record.code, bigEntry(seq))).toEqual({ ok: true });
      if (seq % 100 === 0) {
        largest = Math.max(largest, walBytes(file));
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(4_000_000);
    await store.close();
    expect(walBytes(file)).toBe(0);
    const again = open(file, { checkpointEveryMs: 0 });
    const entries = await again.entries(record.code);
    expect(entries).toHaveLength(3_000);
    expect(entries.at(-1)?.seq).toBe(3_000);
  });

  it("keeps the WAL from growing under writes that never pause: the writer rewinds it", async () => {
    // Under steady load a write transaction opens again right after each commit, so the WAL is
    // never wholly checkpointed when one begins, and SQLite alone would never rewind it: this
    // test's WAL grew past 250 MB before the writer took part.
    const file = tempDbFile();
    const store = open(file, { checkpointEveryMs: 20, walRestartFrames: 256 });
    await store.createRoom(record);
    // Every append is its own commit here, a WAL frame (4 KB) or more each: 120 MB of frames.
    const total = 30_000;
    let largestLater = 0;
    for (let seq = 1; seq <= total; seq++) {
      expect(await store.append(record.code, bigEntry(seq))).toEqual({ ok: true });
      if (seq > total / 2 && seq % 100 === 0) largestLater = Math.max(largestLater, walBytes(file));
    }
    // Rewound, the file is cut back to (and then reused within) SQLite's journal_size_limit, 16 MB.
    // It passes the limit only while a rewind waits (the worker checkpointing at that moment, its
    // fsyncs slow): 18–23 MB in three of six runs on a VM whose disk was busy, 16 MB in eight of
    // eight right after. Twice the limit still fails at once without the writer's rewind (the WAL
    // then holds every frame written: 547 MB in one run).
    expect(largestLater).toBeGreaterThan(0);
    expect(largestLater).toBeLessThanOrEqual(32 * 1024 * 1024);
    await store.close();
    const again = open(file, { checkpointEveryMs: 0 });
    const entries = await again.entries(record.code);
    expect(entries).toHaveLength(total);
    expect(entries.at(-1)?.seq).toBe(total);
  });

  it("answers a commit's appends before the writer rewinds the WAL, not after its fsyncs", async () => {
    // A worker that finds the WAL long after a single frame: the writer is asked to rewind often.
    const store = open(tempDbFile(), { checkpointEveryMs: 5, walRestartFrames: 1 });
    await store.createRoom(record);
    const order: string[] = [];
    const pragma = Database.prototype.pragma;
    const spy = vi.spyOn(Database.prototype, "pragma").mockImplementation(function (
      this: Database.Database,
      ...args: Parameters<typeof pragma>
    ) {
      if (args[0] === "wal_checkpoint(PASSIVE)") order.push("rewind");
      return pragma.apply(this, args);
    });
    try {
      for (let seq = 1; seq <= 500 && !order.includes("rewind"); seq++) {
        order.push(`sent ${seq}`);
        await store.append(record.code, bigEntry(seq)).then(() => order.push(`answered ${seq}`));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      spy.mockRestore();
    }
    const rewind = order.indexOf("rewind");
    expect(rewind).toBeGreaterThan(0);
    // The append whose commit came just before the rewind had its answer before the rewind ran.
    const before = order.slice(0, rewind);
    const lastSent = before.filter((o) => o.startsWith("sent ")).at(-1);
    expect(before).toContain(lastSent?.replace("sent", "answered"));
    expect(await store.entries(record.code)).toHaveLength(order.filter((o) => o.startsWith("sent ")).length);
  });

  it("lets two rooms share one log: the slower writer catches up instead of overwriting", async () => {
    const file = tempDbFile();
    const deps = (store: SqliteRoomStore) => ({
      store,
      clock: new ManualClock(),
      logger: createLogger("silent"),
    });
    const storeA = open(file);
    const storeB = open(file);
    await storeA.createRoom(record);
    const a = await Room.load(record, deps(storeA));
    const b = await Room.load(record, deps(storeB));
    const peer = (id: string) => ({ id, push: () => undefined });
    expect((await a.join("Ann", "join-ann-0001", peer("a1"))).ok).toBe(true);
    // b has not seen Ann's entry: its append of seq 1 conflicts, it reads seq 1, then writes seq 2.
    expect((await b.join("Bo", "join-bo-00001", peer("b1"))).ok).toBe(true);
    expect(b.version).toBe(2);
    expect(b.game.seatOrder.map((id) => b.game.seats[id]?.name)).toEqual(["Ann", "Bo"]);
    const log = await storeA.entries(record.code);
    expect(log.map((e) => e.seq)).toEqual([1, 2]);
    // And a name clash across the two is still caught, because b judged Bo's join against Ann's.
    const clash = await b.join("ann", "join-ann-0002", peer("b2"));
    expect(clash.ok ? "accepted" : clash.error.code).toBe("seat/name_taken");
    a.close();
    b.close();
  });
});
