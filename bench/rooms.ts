/**
 * Rooms bench: the server's own work per action, in one process with no sockets. Many rooms of
 * eight players, a host screen and a facilitator each are played through `Room` (the rules, the
 * SQLite log on a real file, the view cache, the diffs) with peers that only encode what they are
 * pushed, as socket.io would: a payload pushed to many peers at once (`pushAll`) is encoded once.
 * Players act as the load bench's do: Community chooses where it reports, each player chooses up
 * to two cards it can afford, then locks in; the facilitator starts the next round after each
 * reveal; a finished game is replaced by a new room. Prints CPU per action, JSON bytes and pushes
 * per action, and which parts of the views the bytes went to. Steadier than the load bench (no
 * kernel, no load generators), so it shows what a change to the rooms or views does.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { systemClock } from "../server/src/clock";
import { createLogger } from "../server/src/logger";
import { type Peer, Room } from "../server/src/rooms/room";
import type { RoomRecord } from "../server/src/store/room-store";
import { SqliteRoomStore } from "../server/src/store/sqlite-store";
import { serverNodeFlags } from "../server/src/testing/child-server";
import {
  builtinDeck,
  choiceProblem,
  choicesOf,
  type GameCommand,
  type PatchOp,
  RoomSettings,
} from "../shared/src/index";
import { parseBenchOptions } from "./options";
import { fmt, table } from "./report";

export const ROOMS_USAGE = [
  "rooms options:",
  "  --rooms N          rooms played at once (default 250), 8 players each, one team",
  "  --actions N        player actions measured, after a fifth as many unmeasured (default 60000)",
  "  --timer-s S        give each room a round timer of S seconds (default none, as in load)",
].join("\n");

/** One payload in this many is split by path for the "where the bytes go" table. */
const PATH_SAMPLE = 10;

interface Table {
  room: Room;
  seats: string[];
}

export async function runRoomsBench(args: readonly string[] = []): Promise<void> {
  // The rooms run as they do in the server: under its Node flags (the young generation's size
  // changes how often and how long it collects). Without them, this part runs again in a child.
  const flags = serverNodeFlags();
  if (!flags.every((flag) => process.execArgv.includes(flag))) {
    const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "index.ts");
    const child = spawn(process.execPath, [...flags, "--import", "tsx", entry, "rooms", ...args], {
      stdio: "inherit",
    });
    const [code] = (await once(child, "exit")) as [number | null];
    if (code !== 0) throw new Error(`the rooms bench's process exited with ${code}`);
    return;
  }
  const given = parseBenchOptions(args, { values: ["rooms", "actions", "timer-s"], usage: ROOMS_USAGE });
  const roomCount = given.int("rooms", 250, 1, 5_000);
  const measured = given.int("actions", 60_000, 1_000, 10_000_000);
  const timerSeconds = given.has("timer-s") ? given.int("timer-s", 120, 30, 600) : null;
  const warmup = Math.floor(measured / 5);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-rooms-bench-"));
  const store = new SqliteRoomStore(path.join(dir, "boxless.sqlite"));
  let counting = false;
  let bytes = 0;
  let pushes = 0;
  let encoded = 0;
  const byPath = new Map<string, number>();
  // Where the bytes go is worked out for one payload in PATH_SAMPLE (and scaled up): encoding each
  // op again costs about as much as the payload itself, and the CPU figure should be the rooms'.
  let payloads = 0;
  // Collections while measuring: young-generation ones (scavenges) and the rest, with their pauses.
  const gc = { minor: 0, minorMs: 0, major: 0, majorMs: 0 };
  const countGc = (entry: PerformanceEntry) => {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gc.minor++;
      gc.minorMs += entry.duration;
    } else {
      gc.major++;
      gc.majorMs += entry.duration;
    }
  };
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) countGc(entry);
  });
  const encode = (payload: unknown, peers: number) => {
    const json = JSON.stringify(payload);
    if (!counting) return;
    bytes += json.length;
    pushes += peers;
    encoded++;
    if (++payloads % PATH_SAMPLE !== 0) return;
    for (const op of (payload as { ops?: PatchOp[] }).ops ?? []) {
      const key = op.p
        .slice(0, 4)
        .map((k) => (typeof k === "number" ? "#" : k))
        .join(".");
      byPath.set(key, (byPath.get(key) ?? 0) + PATH_SAMPLE * JSON.stringify(op).length);
    }
  };
  let peerNumber = 0;
  const peer = (): Peer => ({ id: `peer-${++peerNumber}`, push: (_event, payload) => encode(payload, 1) });
  const deps = {
    store,
    clock: systemClock,
    logger: createLogger("silent"),
    pushAll: (peers: readonly Peer[], _event: string, payload: unknown) => encode(payload, peers.length),
  };

  let roomNumber = 0;
  let actionNumber = 0;
  const nextId = () => `a${++actionNumber}`;
  async function open(): Promise<Table> {
    const code = `R${String(++roomNumber).padStart(5, "0")}`;
    const record: RoomRecord = {
      code,
      createdAt: Date.now(),
      seed: roomNumber,
      settings: RoomSettings.parse({ fillWithBots: false, timerSeconds, teamSize: 8, rounds: 5 }),
      deck: builtinDeck,
      facilitatorToken: "f".repeat(32),
      links: { join: `http://127.0.0.1/join/${code}`, lanJoin: null },
      finishedAt: null,
    };
    await store.createRoom(record);
    const room = await Room.load(record, deps);
    await room.facilitate(record.facilitatorToken, peer());
    await room.watch(peer());
    const seats: string[] = [];
    for (let i = 0; i < 8; i++) {
      const joined = await room.join(`Player ${i + 1}`, nextId(), peer());
      if (joined.ok) seats.push(joined.data.seatId);
    }
    await room.act("facilitator", nextId(), { type: "game:start" });
    return { room, seats };
  }

  /** One random player of the room acts if it has something to do; true when an action was accepted. */
  async function step(t: Table): Promise<boolean> {
    const state = t.room.game;
    if (state.phase === "revealed") {
      await t.room.act("facilitator", nextId(), { type: "round:next" });
      return false;
    }
    const seatId = t.seats[Math.floor(Math.random() * t.seats.length)] as string;
    const seat = state.seats[seatId];
    const team = seat?.teamId ? state.teams[seat.teamId] : undefined;
    if (!seat || !team) return false;
    const round = state.round;
    let command: GameCommand | null = null;
    if (state.phase === "reporting") {
      if (seat.roles.includes("cm") && team.reportingDecidedFor !== round)
        command = {
          type: "team:chooseReporting",
          seatId,
          round,
          side: Math.random() < 0.5 ? "product" : "marketing",
        };
    } else if (state.phase === "planning" && !seat.locked) {
      const choices = choicesOf(state, seat);
      const open = choices.hand.filter((id) => choiceProblem(choices, id) === null);
      const cardId = open[Math.floor(Math.random() * open.length)];
      command =
        seat.selected.length < 2 && cardId !== undefined && Math.random() < 0.7
          ? { type: "card:select", seatId, round, cardId }
          : { type: "seat:lockIn", seatId, round };
    }
    if (!command) return false;
    return (await t.room.act(`seat:${seatId}`, nextId(), command)).ok;
  }

  try {
    const tables: Table[] = [];
    for (let i = 0; i < roomCount; i++) tables.push(await open());
    let done = 0;
    let cpu: NodeJS.CpuUsage | null = null;
    let started = 0;
    while (done < warmup + measured) {
      const i = Math.floor(Math.random() * tables.length);
      const t = tables[i] as Table;
      if (t.room.finished) {
        t.room.close();
        tables[i] = await open();
        continue;
      }
      if (!(await step(t))) continue;
      done++;
      if (done === warmup) {
        counting = true;
        gcs.observe({ entryTypes: ["gc"] });
        cpu = process.cpuUsage();
        started = performance.now();
      }
    }
    const used = process.cpuUsage(cpu ?? undefined);
    const wallMs = performance.now() - started;
    for (const entry of gcs.takeRecords()) countGc(entry);
    gcs.disconnect();
    for (const t of tables) t.room.close();

    console.log(
      [
        "Rooms bench (the server's rooms in one process: rules, SQLite log, views, diffs, JSON; no sockets)",
        table(
          [
            [
              "rooms",
              `${fmt(roomCount)} × (8 players + host + facilitator), one team, 5-round games${timerSeconds ? `, ${timerSeconds} s timer` : ""}`,
            ],
            [
              "actions",
              `${fmt(measured)} measured after ${fmt(warmup)} unmeasured; each committed on its own`,
            ],
            ["node", `${process.version} ${flags.join(" ")}`],
          ],
          true,
        ),
        "",
        table(
          [
            ["CPU µs per action (user + system)", fmt((used.user + used.system) / measured, 1)],
            ["wall µs per action", fmt((wallMs * 1000) / measured, 1)],
            ["JSON bytes encoded per action", fmt(bytes / measured, 0)],
            ["pushes per action (sockets reached)", fmt(pushes / measured, 2)],
            ["payloads encoded per action", fmt(encoded / measured, 2)],
            [
              "young-generation collections per 1,000 actions",
              `${fmt((1000 * gc.minor) / measured, 2)} (pauses ${fmt(gc.minorMs / gc.minor || 0, 1)} ms on average)`,
            ],
            [
              "other collections per 1,000 actions",
              `${fmt((1000 * gc.major) / measured, 2)} (pauses ${fmt(gc.majorMs / gc.major || 0, 1)} ms on average)`,
            ],
            ["GC pause ms per 1,000 actions", fmt((1000 * (gc.minorMs + gc.majorMs)) / measured, 1)],
          ],
          true,
        ),
        "",
        `JSON bytes per action by where the ops go (the first four keys of their paths; from one payload in ${PATH_SAMPLE}):`,
        table(
          [...byPath]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12)
            .map(([key, n]) => [fmt(n / measured, 0).padStart(6), key]),
          true,
        ),
      ].join("\n"),
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
