/**
 * Fuzz bench: `npm run bench -- fuzz [--messages N] [--sockets S] [--rate R] [--flooders F]
 * [--max-seconds T] [--seed X]`.
 *
 * Starts the real server (as `npm start` does, from its bundle) in a child process on 127.0.0.1 with a fresh
 * temporary DATA_DIR, opens three rooms in round 1's planning (a facilitator, a host screen and
 * four players each, through the reference client), then sends at least `--messages` fuzzed
 * messages (the fast-check arbitraries of `server/src/testing/fuzz-arbitraries.ts`, shared with
 * `server/src/fuzz.test.ts`) over `--sockets` raw socket.io-client sockets: attached as a seat (a
 * second device of a real seat), as a host screen, as the facilitator, or to nothing.
 *
 * The server has no setting for its per-socket limits (10 events a second, bursts of 20; main.ts
 * reads none), so the load is spread: each paced socket sends `--rate` messages a second, under the
 * limit, and `--flooders` sockets send bursts of 100 at once to meet the flood guard on purpose
 * (they reconnect and flood again). All sockets come from 127.0.0.1, so after ten unknown codes or
 * wrong tokens that address is join-limited for a minute, as any single attacker would be; the
 * normal join at the end comes from 127.0.0.2.
 *
 * Prints what was sent (by event, by mutation, with or without an ack), how the server answered
 * (by code, ignored, unanswered because the connection closed, disconnects by reason), answers that
 * differ from what docs/PROTOCOL.md says (the oracle `expectedAnswer`), the server's RSS and CPU,
 * and whether it still answers /healthz and serves a normal join and a card choice. Stops by itself
 * after `--max-seconds` at the latest; everything it starts it stops, also on Ctrl-C.
 */

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ackSchemaFor, REQUESTS } from "@boxless/shared";
import fc from "fast-check";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { GameConnection } from "../client/src/net/connection";
import { type ChildServer, freePort, startChildServer } from "../server/src/testing/child-server";
import {
  anyMessage,
  describeMessage,
  type Expected,
  expectedAnswer,
  type FuzzContext,
  type FuzzMessage,
  hostileMessage,
  isTypedError,
  MUTATIONS,
} from "../server/src/testing/fuzz-arbitraries";
import { createRoomAt, ok } from "../server/src/testing/harness";
import { openTable, startPlanning, type Table, type TableServer } from "../server/src/testing/setup";
import { machineRows } from "./machine";
import { parseBenchOptions } from "./options";
import { cleanUpOnInterrupt, sleep, treeCpuSeconds, treeRssBytes } from "./processes";
import { fmt, table } from "./report";

// ─── options ──────────────────────────────────────────────────────────────────

interface Options {
  messages: number;
  sockets: number;
  rate: number;
  flooders: number;
  maxSeconds: number;
  seed: number;
}

export const FUZZ_USAGE = [
  "fuzz options:",
  "  --messages N       fuzzed messages to send, at least (default 100000)",
  "  --sockets S        paced sockets (default 800)",
  "  --rate R           messages a second per paced socket, under the server's 10 (default 8)",
  "  --flooders F       sockets that flood in bursts of 100 (default 8)",
  "  --max-seconds T    stop sending after T s whatever the count (default 180)",
  "  --seed X           fast-check seed (default: the time)",
].join("\n");

function parseOptions(args: readonly string[]): Options {
  const { int } = parseBenchOptions(args, {
    values: ["messages", "sockets", "rate", "flooders", "max-seconds", "seed"],
    usage: FUZZ_USAGE,
  });
  return {
    messages: int("messages", 100_000, 1, 10_000_000),
    sockets: int("sockets", 800, 1, 5_000),
    rate: int("rate", 8, 1, 9),
    flooders: int("flooders", 8, 0, 100),
    maxSeconds: int("max-seconds", 180, 5, 3_600),
    seed: int("seed", Date.now() % 2 ** 31, -(2 ** 31), 2 ** 31 - 1),
  };
}

// ─── small helpers ────────────────────────────────────────────────────────────

const mb = (bytes: number | null) => (bytes === null ? "–" : `${fmt(bytes / 1024 / 1024, 1)} MB`);

/** The server's V8 heap in use, from its /metrics (prom-client's default metrics). */
async function heapUsed(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const match = /^boxless_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

class Counter {
  readonly counts = new Map<string, number>();
  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
  rows(limit = Infinity): string[][] {
    const sorted = [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const shown = sorted.slice(0, limit).map(([k, n]) => [k, fmt(n)]);
    const rest = sorted.slice(limit).reduce((sum, [, n]) => sum + n, 0);
    if (rest > 0) shown.push([`(${sorted.length - limit} others)`, fmt(rest)]);
    return shown;
  }
}

// ─── the rooms ────────────────────────────────────────────────────────────────

interface Room {
  code: string;
  facilitatorToken: string;
  seatTokens: string[];
}

/** A room in round 1's planning, played by reference clients (kept connected during the fuzz). */
async function openRoom(
  url: string,
  clients: GameConnection[],
  socket: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Table> {
  const server: TableServer = {
    createRoom: (body = {}) => createRoomAt(url, body),
    client() {
      const c = new GameConnection(url, { socket: { forceNew: true, ...socket } });
      clients.push(c);
      return c;
    },
  };
  const table = await openTable(server, 4, { rounds: 3, teamSize: 2 });
  await startPlanning(table);
  return table;
}

// ─── the fuzzers ──────────────────────────────────────────────────────────────

type Role = "seat" | "host" | "facilitator" | "stranger";
const ROLES: Role[] = [
  "stranger",
  "stranger",
  "stranger",
  "seat",
  "seat",
  "host",
  "facilitator",
  "facilitator",
];

interface Tally {
  sentByEvent: Counter;
  sentByMutation: Counter;
  sentAck: number;
  sentNoAck: number;
  answers: Counter;
  /** Acks that never came: the connection closed first (an oversize message, the flood guard) or a timeout. */
  unanswered: Counter;
  disconnects: Counter;
  /** Answers that are not what the protocol says. */
  surprises: number;
  surpriseExamples: string[];
  attachFailures: Counter;
  sent: number;
}

function newTally(): Tally {
  return {
    sentByEvent: new Counter(),
    sentByMutation: new Counter(),
    sentAck: 0,
    sentNoAck: 0,
    answers: new Counter(),
    unanswered: new Counter(),
    disconnects: new Counter(),
    surprises: 0,
    surpriseExamples: [],
    attachFailures: new Counter(),
    sent: 0,
  };
}

/** Messages from a seeded fast-check stream, generated a chunk at a time. */
class MessageSource {
  private chunk: FuzzMessage[] = [];
  private chunks = 0;
  constructor(
    private readonly arbitrary: fc.Arbitrary<FuzzMessage>,
    private readonly seed: number,
  ) {}
  next(): FuzzMessage {
    if (this.chunk.length === 0) {
      this.chunk = fc.sample(this.arbitrary, { numRuns: 1_000, seed: this.seed + this.chunks++ });
      this.chunk.reverse();
    }
    return this.chunk.pop() as FuzzMessage;
  }
}

const eventLabel = (event: string) => (Object.hasOwn(REQUESTS, event) ? event : "(unknown event names)");

function surprise(tally: Tally, message: FuzzMessage, expected: Expected, got: string): void {
  tally.surprises++;
  if (tally.surpriseExamples.length < 8)
    tally.surpriseExamples.push(
      `${describeMessage(message).slice(0, 160)} — expected ${JSON.stringify(expected).slice(0, 80)}, got ${got.slice(0, 1_000)}`,
    );
}

/** Compare an answer with the oracle; `flooding` allows rate/limited. */
function judge(
  tally: Tally,
  message: FuzzMessage,
  expected: Expected,
  ack: unknown,
  flooding: boolean,
): void {
  const ok = typeof ack === "object" && ack !== null && (ack as { ok?: unknown }).ok === true;
  const code = ok ? "ok" : isTypedError(ack) ? ack.error.code : "untyped answer";
  tally.answers.add(code);
  if (flooding && code === "rate/limited") return;
  switch (expected.kind) {
    case "refused":
      if (code !== expected.code) surprise(tally, message, expected, JSON.stringify(ack));
      return;
    case "judged":
      if (!ackSchemaFor(expected.event).safeParse(ack).success || (!ok && !isTypedError(ack)))
        surprise(tally, message, expected, JSON.stringify(ack));
      return;
    case "borderline":
      return;
    default:
      surprise(tally, message, expected, JSON.stringify(ack));
  }
}

/** A socket for `room` (its code in the address routes it to the process holding the room). */
async function openSocket(url: string, room?: string): Promise<Socket | null> {
  const socket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
    ...(room ? { query: { room } } : {}),
  });
  const connected = await new Promise<boolean>((resolve) => {
    socket.once("connect", () => resolve(true));
    socket.once("connect_error", () => resolve(false));
  });
  if (!connected) {
    socket.close();
    return null;
  }
  return socket;
}

/** A socket attached as its role (a refused attach, e.g. a join-limited watch, leaves it a stranger). */
async function attach(
  url: string,
  role: Role,
  rooms: Room[],
  index: number,
  tally: Tally,
): Promise<Socket | null> {
  const room = rooms[index % rooms.length] as Room;
  const socket = await openSocket(url, role === "stranger" ? undefined : room.code);
  if (!socket) {
    tally.attachFailures.add("connect failed");
    return null;
  }
  const request =
    role === "seat"
      ? ([
          "room:rejoin",
          { code: room.code, seatToken: room.seatTokens[index % room.seatTokens.length] },
        ] as const)
      : role === "host"
        ? (["room:watch", { code: room.code }] as const)
        : role === "facilitator"
          ? (["room:facilitate", { code: room.code, facilitatorToken: room.facilitatorToken }] as const)
          : null;
  if (request) {
    try {
      const ack = (await socket.timeout(10_000).emitWithAck(request[0], request[1])) as {
        ok: boolean;
        error?: { code: string };
      };
      if (!ack.ok) tally.attachFailures.add(`${role}: ${ack.error?.code ?? "?"}`);
    } catch {
      tally.attachFailures.add(`${role}: no answer`);
    }
  }
  return socket;
}

interface Run {
  url: string;
  rooms: Room[];
  options: Options;
  tally: Tally;
  /** Stop sending: the count is reached or the time is up. */
  done: () => boolean;
  inFlight: Set<Promise<void>>;
  /** Sockets to close when the last acks are in. */
  toClose: Socket[];
}

/** Sockets that were sent a message over the size limit: the server closes them, with whatever acks were pending. */
const closing = new WeakSet<Socket>();
/** The last messages sent on each socket, to show what came before a close nothing explains. */
const recent = new WeakMap<Socket, string[]>();

function send(run: Run, socket: Socket, message: FuzzMessage, flooding: boolean): void {
  const { tally } = run;
  const expected = expectedAnswer(message);
  if (expected.kind === "closed" || expected.kind === "borderline") closing.add(socket);
  const last = recent.get(socket) ?? [];
  last.push(describeMessage(message).slice(0, 200));
  if (last.length > 4) last.shift();
  recent.set(socket, last);
  tally.sent++;
  tally.sentByEvent.add(eventLabel(message.event));
  tally.sentByMutation.add(message.mutation);
  if (!message.ack) {
    tally.sentNoAck++;
    try {
      socket.emit(message.event, ...message.args);
    } catch (error) {
      tally.answers.add(`(client could not encode: ${String(error).slice(0, 40)})`);
    }
    return;
  }
  tally.sentAck++;
  const answered = new Promise<void>((resolve) => {
    try {
      socket.timeout(15_000).emit(message.event, ...message.args, (err: Error | null, ack: unknown) => {
        if (err) {
          const why = socket.connected
            ? "timed out (15 s)"
            : expected.kind === "closed"
              ? "the connection closed: this message was over 16 KB (as documented)"
              : closing.has(socket)
                ? "the connection closed: another message on this socket, sent around it, was over 16 KB"
                : flooding
                  ? "the connection closed: the flood guard"
                  : "the connection closed for another reason";
          tally.unanswered.add(why);
          if (why.endsWith("another reason") || why.startsWith("timed out"))
            surprise(
              run.tally,
              message,
              expected,
              `${why}; the socket's last messages: ${(recent.get(socket) ?? []).join(" | ")}`,
            );
        } else judge(tally, message, expected, ack, flooding);
        resolve();
      });
    } catch (error) {
      tally.answers.add(`(client could not encode: ${String(error).slice(0, 40)})`);
      resolve();
    }
  });
  run.inFlight.add(answered);
  void answered.then(() => run.inFlight.delete(answered));
}

/** One paced socket: a message every 1/rate s; after a drop, a new socket in the same role. */
async function paced(run: Run, index: number, source: MessageSource): Promise<void> {
  const role = ROLES[index % ROLES.length] as Role;
  const interval = 1000 / run.options.rate;
  await sleep(Math.random() * interval);
  const open = async () => {
    const socket = await attach(run.url, role, run.rooms, index, run.tally);
    socket?.once("disconnect", (reason) => {
      if (!run.done()) run.tally.disconnects.add(`${reason} (paced socket)`);
    });
    return socket;
  };
  let socket = await open();
  while (!run.done()) {
    if (!socket?.connected) {
      socket?.close();
      socket = await open();
      if (!socket) {
        await sleep(500);
        continue;
      }
      // Give the new socket's bucket a moment (its attach took one token).
      await sleep(interval);
    }
    send(run, socket, source.next(), false);
    await sleep(interval);
  }
  // Closed by the caller once every pending ack has come (closing now would fail them).
  if (socket) run.toClose.push(socket);
}

/** One flooder: bursts of 100 messages until the flood guard disconnects it, again and again. */
async function flooder(run: Run, index: number, source: MessageSource): Promise<void> {
  while (!run.done()) {
    const socket = await attach(run.url, "host", run.rooms, index, run.tally);
    if (!socket) {
      await sleep(500);
      continue;
    }
    const gone = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    // The whole burst, even past --messages (the count is "at least").
    for (let i = 0; i < 100; i++) send(run, socket, source.next(), true);
    const reason = await Promise.race([gone, sleep(5_000).then(() => "still connected after 5 s")]);
    run.tally.disconnects.add(
      `${reason} (flooder${closing.has(socket) ? ", its burst held a message over 16 KB" : ""})`,
    );
    socket.close();
    await sleep(200);
  }
}

// ─── the part ─────────────────────────────────────────────────────────────────

export async function runFuzzBench(args: readonly string[] = []): Promise<void> {
  const options = parseOptions(args);
  const started = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boxless-fuzz-"));
  let child: ChildServer | null = null;
  const clients: GameConnection[] = [];
  const cleanup = () => {
    for (const c of clients) c.close();
    if (child && child.process.exitCode === null && child.process.signalCode === null)
      child.process.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const stopWatching = cleanUpOnInterrupt(cleanup);
  try {
    console.log(
      [
        "Fuzz bench",
        table([
          [
            "messages",
            `at least ${fmt(options.messages)} (stops after ${options.maxSeconds} s whatever the count)`,
          ],
          [
            "sockets",
            `${fmt(options.sockets)} paced at ${options.rate}/s each + ${options.flooders} flooders (bursts of 100)`,
          ],
          ["seed", String(options.seed)],
          [
            "server",
            "the server bundle (npm start) in a child process, 127.0.0.1, default limits (no setting raises them)",
          ],
          ["node", process.version],
          ...machineRows({ load: false }),
        ]),
        "",
      ].join("\n"),
    );

    const port = await freePort();
    child = await startChildServer(dataDir, port);
    const pid = child.process.pid as number;
    const url = child.url;
    const rssAtStart = treeRssBytes(pid);

    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await openRoom(url, clients));
    const rooms: Room[] = opened.map((r) => ({
      code: r.code,
      facilitatorToken: r.facilitatorToken,
      seatTokens: r.tokens,
    }));
    const ctx: FuzzContext = {
      codes: rooms.map((r) => r.code),
      tokens: rooms.flatMap((r) => [r.facilitatorToken, ...r.seatTokens]),
      seatIds: [...new Set(opened.flatMap((r) => r.players.map((p) => p.seatId as string)))],
      teamIds: [...new Set(opened.flatMap((r) => r.players.map((p) => p.view?.me?.teamId as string)))],
      cardIds: [
        ...new Set(opened.flatMap((r) => r.players.flatMap((p) => p.view?.me?.hand.map((c) => c.id) ?? []))),
      ],
    };
    const rssAfterSetup = treeRssBytes(pid);
    const heapAfterSetup = await heapUsed(url);
    const cpuBefore = treeCpuSeconds(pid) ?? 0;

    const tally = newTally();
    const sendingStarted = performance.now();
    const deadline = sendingStarted + options.maxSeconds * 1000;
    let timedOut = false;
    const run: Run = {
      url,
      rooms,
      options,
      tally,
      inFlight: new Set(),
      toClose: [],
      done: () => {
        if (tally.sent >= options.messages) return true;
        if (performance.now() > deadline) timedOut = true;
        return timedOut;
      },
    };
    let peakRss = rssAfterSetup ?? 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, treeRssBytes(pid) ?? 0);
      const s = (performance.now() - sendingStarted) / 1000;
      process.stdout.write(
        `\r  ${fmt(s, 0)} s: ${fmt(tally.sent)} sent, ${fmt(tally.answers.total)} answered   `,
      );
    }, 1_000);
    const sources = {
      paced: new MessageSource(anyMessage(ctx), options.seed),
      flood: new MessageSource(hostileMessage(ctx), options.seed + 1_000_003),
    };
    await Promise.all([
      ...Array.from({ length: options.sockets }, (_, i) => paced(run, i, sources.paced)),
      ...Array.from({ length: options.flooders }, (_, i) => flooder(run, i, sources.flood)),
    ]);
    const sendingSeconds = (performance.now() - sendingStarted) / 1000;
    // Wait for the last acks (each has its own 15 s timeout).
    await Promise.all([...run.inFlight]);
    for (const socket of run.toClose) socket.close();
    clearInterval(sampler);
    process.stdout.write("\r\x1b[K");
    const cpuAfter = treeCpuSeconds(pid) ?? cpuBefore;
    const rssAfter = treeRssBytes(pid);
    const heapAfter = await heapUsed(url);

    // Still up? /healthz, and a normal person joining a new room and choosing a card.
    const health = await fetch(`${url}/healthz`).then(
      async (r) => `${r.status} ${JSON.stringify(await r.json())}`,
      (e: unknown) => `failed: ${String(e)}`,
    );
    const honestStarted = performance.now();
    let honest: string;
    try {
      // From another address: 127.0.0.1 may be join-limited by the fuzz (ten bad codes a minute).
      const elsewhere = { localAddress: "127.0.0.2" } as Partial<ManagerOptions & SocketOptions>;
      const fresh = await openRoom(url, clients, elsewhere);
      const p = fresh.players[0] as GameConnection;
      const card = p.view?.me?.hand.find((c) => !c.problem && c.cost <= (p.view?.me?.energy.left ?? 0));
      ok(await p.play("card:select", { cardId: card?.id as string }));
      honest = `yes: a new room, 4 joins, start and a card chosen in ${fmt(performance.now() - honestStarted)} ms`;
    } catch (error) {
      honest = `NO: ${error instanceof Error ? error.message : String(error)}`;
    }
    for (const c of clients.splice(0)) c.close();
    // Every socket closed and a few quiet seconds: what the server keeps.
    const socketsLeft = async () =>
      fetch(`${url}/healthz`).then(
        async (r) => ((await r.json()) as { sockets: number }).sockets,
        () => -1,
      );
    const quietFrom = performance.now();
    while ((await socketsLeft()) > 0 && performance.now() - quietFrom < 10_000) await sleep(250);
    await sleep(3_000);
    const rssIdle = treeRssBytes(pid);
    const heapIdle = await heapUsed(url);
    const socketsIdle = await socketsLeft();
    const limitedProbe = await attach(url, "host", rooms, 0, newTally()).then(async (s) => {
      if (!s) return "could not connect";
      const ack = (await s.timeout(5_000).emitWithAck("room:watch", { code: rooms[0]?.code })) as {
        ok: boolean;
        error?: { code: string };
      };
      s.close();
      return ack.ok ? "not limited" : (ack.error?.code ?? "?");
    });
    const exitCode = await child.kill("SIGTERM");
    const total = (performance.now() - started) / 1000;

    // ─── report ───
    const out: string[] = [];
    out.push(
      "Sent",
      table([
        ["messages", fmt(tally.sent)],
        ["with an ack callback", fmt(tally.sentAck)],
        ["without (to be ignored)", fmt(tally.sentNoAck)],
        [
          "sending took",
          `${fmt(sendingSeconds, 1)} s (${fmt(tally.sent / sendingSeconds)} messages/s)${timedOut ? " — stopped by --max-seconds" : ""}`,
        ],
      ]),
      "",
      "Sent, by event",
      table(tally.sentByEvent.rows()),
      "",
      "Sent, by mutation",
      table(MUTATIONS.map((m) => [m, fmt(tally.sentByMutation.get(m))])),
      "",
      "Answers (acks), by code",
      table(tally.answers.rows()),
      "",
      "Not answered",
      table([["ignored: sent without an ack", fmt(tally.sentNoAck)], ...tally.unanswered.rows()]),
      "",
      "Disconnects, by reason",
      table(tally.disconnects.rows().length ? tally.disconnects.rows() : [["none", "0"]]),
      "",
      "Attaching fuzz sockets (refusals)",
      table(tally.attachFailures.rows().length ? tally.attachFailures.rows() : [["none", "0"]]),
      "",
      `Answers that differ from docs/PROTOCOL.md: ${fmt(tally.surprises)}`,
      ...tally.surpriseExamples.map((e) => `  ${e}`),
      "",
      "Server",
      table([
        ["RSS at start", mb(rssAtStart)],
        ["RSS after setup (3 rooms, 18 clients)", mb(rssAfterSetup)],
        ["RSS after the fuzz (fuzz sockets still open)", mb(rssAfter)],
        ["RSS peak (sampled each second)", mb(peakRss)],
        [`RSS with every socket closed (${socketsIdle} left), 3 s later`, mb(rssIdle)],
        [
          "V8 heap used: after setup / after the fuzz / closed",
          `${mb(heapAfterSetup)} / ${mb(heapAfter)} / ${mb(heapIdle)}`,
        ],
        [
          "CPU during the fuzz",
          `${fmt(cpuAfter - cpuBefore, 1)} s (${fmt(((cpuAfter - cpuBefore) / sendingSeconds) * 100)}% of a core)`,
        ],
        ["/healthz after", health],
        ["serves a normal join after", honest],
        ["127.0.0.1 attaching after", `room:watch → ${limitedProbe}`],
        ["stopped with SIGTERM", `exit code ${String(exitCode)}`],
      ]),
      "",
      `Done in ${fmt(total, 1)} s.`,
    );
    console.log(out.join("\n"));
  } finally {
    stopWatching();
    cleanup();
  }
}
