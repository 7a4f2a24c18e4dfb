/**
 * A server of several processes (`WORKERS=2`), started as `npm start` starts it: a main process
 * that routes and two that hold the rooms. Rooms are spread over the two, every connection reaches
 * the one holding its room, the figures cover both, and one that dies comes back with its rooms
 * while the other plays on.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { GameConnection } from "../../../client/src/net/connection";
import { type ChildServer, freePort, startChildServer } from "../testing/child-server";
import { createRoomAt, ok, waitFor } from "../testing/harness";
import { shardOf } from "./shards";

const children: ChildServer[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const child of children.splice(0)) await child.kill();
});

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "boxless-cluster-"));

async function start(dataDir: string, env: Record<string, string> = { WORKERS: "2" }): Promise<ChildServer> {
  const child = await startChildServer(dataDir, await freePort(), env);
  children.push(child);
  return child;
}

function connection(url: string, room?: string): GameConnection {
  const c = new GameConnection(url, { socket: { forceNew: true }, ...(room ? { room } : {}) });
  closers.push(() => c.close());
  return c;
}

function rawSocket(url: string, query?: Record<string, string>): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, query });
  closers.push(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** The processes below `pid` (its workers). */
function childPids(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Rooms created until there is one held by each of the two processes. */
async function roomOnEach(url: string) {
  const rooms = [];
  for (let i = 0; i < 6; i++)
    rooms.push(
      await createRoomAt(url, { settings: { fillWithBots: true, timerSeconds: null, teamSize: 4 } }),
    );
  const first = rooms.find((r) => shardOf(r.code, 2) === 0);
  const second = rooms.find((r) => shardOf(r.code, 2) === 1);
  if (!first || !second) throw new Error("six rooms, all in one process: the rooms are not spread");
  return { rooms, held: [first, second] as const };
}

/** A facilitator starts the room's game; a player joins and plays a card, acknowledged. */
async function playIn(url: string, code: string, facilitatorToken: string) {
  const facilitator = connection(url, code);
  ok(await facilitator.facilitate(code, facilitatorToken));
  const player = connection(url, code);
  ok(await player.join(code, "Ada"));
  const host = connection(url, code);
  ok(await host.watch(code));
  ok(await facilitator.control("game:start"));
  await waitFor(() => player.view?.game.phase === "reporting", "the game started");
  ok(await player.play("team:chooseReporting", { side: "product" }));
  await waitFor(
    () => (player.view?.me?.hand.length ?? 0) > 0 && player.view?.game.phase === "planning",
    "a hand",
  );
  const card = player.view?.me?.hand.find((c) => !c.problem)?.id as string;
  ok(await player.play("card:select", { cardId: card }));
  await waitFor(() => player.view?.me?.selected.includes(card) === true, "the card selected");
  return { facilitator, player, host, card };
}

describe("a server of two processes", () => {
  it("spreads new rooms over both, each in its own file, and plays every room where it is held", async () => {
    const dataDir = tempDir();
    const server = await start(dataDir);
    expect(childPids(server.process.pid as number)).toHaveLength(2);
    const { rooms, held } = await roomOnEach(server.url);
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith(".sqlite"))).toEqual([
      "boxless-1-of-2.sqlite",
      "boxless-2-of-2.sqlite",
    ]);
    // A room created next to another (`?room=CODE`) is held by the same process.
    for (const room of held)
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${server.url}/api/rooms?room=${room.code}`, { method: "POST" });
        expect(response.status).toBe(201);
        const { code } = (await response.json()) as { code: string };
        expect(shardOf(code, 2)).toBe(shardOf(room.code, 2));
        rooms.push({ code } as (typeof rooms)[number]);
      }
    for (const room of held) {
      const { host, player } = await playIn(server.url, room.code, room.facilitatorToken);
      await waitFor(() => host.view?.game.phase === "planning", "the host screen follows");
      expect(player.view?.room.code).toBe(room.code);
    }
    // /healthz and /metrics count every process's rooms and sockets (3 sockets in each of 2 rooms).
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, number>;
    expect(health.rooms).toBe(rooms.length);
    expect(health.sockets).toBe(6);
    expect(health.connectedPlayers).toBe(2);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^boxless_active_rooms ${rooms.length}$`, "m"));
    expect(metrics).toMatch(/^boxless_connected_sockets 6$/m);
  });

  it("tells a socket that reached the wrong process where its room is, and the client follows by itself", async () => {
    const server = await start(tempDir());
    const { held } = await roomOnEach(server.url);
    // A socket with no room in its address lands in one process, which holds one of the two rooms.
    const socket = await rawSocket(server.url);
    const answers = [];
    for (const room of held) answers.push(await socket.emitWithAck("room:watch", { code: room.code }));
    const refused = answers.filter((a) => !a.ok);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].error.code).toBe("room/elsewhere");
    expect(refused[0].error.message).toMatch(/\?room=/);
    // With the room in its address a socket reaches it at once.
    for (const room of held) {
      const routed = await rawSocket(server.url, { room: room.code.toLowerCase() });
      expect((await routed.emitWithAck("room:watch", { code: room.code })).ok).toBe(true);
    }
    // The client without a room given connects again with it, and joins either room.
    for (const room of held) {
      const player = connection(server.url);
      ok(await player.join(room.code, "Grace"));
      expect(player.view?.room.code).toBe(room.code);
    }
  });

  it("hands a request over whole when its body arrives after its headers", async () => {
    const server = await start(tempDir());
    const port = Number(new URL(server.url).port);
    const post = (rounds: number, bodyAfterMs: number) =>
      new Promise<string>((resolve, reject) => {
        const body = JSON.stringify({ settings: { rounds } });
        const tcp = net.connect(port, "127.0.0.1");
        let text = "";
        tcp.on("data", (chunk) => {
          text += String(chunk);
        });
        tcp.on("end", () => resolve(text));
        tcp.on("error", reject);
        tcp.write(
          `POST /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        tcp.setNoDelay(true);
        setTimeout(() => tcp.write(body.slice(0, 5)), bodyAfterMs);
        setTimeout(() => tcp.write(body.slice(5)), 2 * bodyAfterMs);
      });
    // New rooms go to the processes in turn: half of these are handed to the worker, some while
    // their body is on its way (right after the headers), some long after.
    const codes = [];
    for (const [i, bodyAfterMs] of [0, 1, 2, 5, 50, 0, 1, 2, 5, 50].entries()) {
      const rounds = 3 + (i % 3);
      const response = await post(rounds, bodyAfterMs);
      expect(response).toMatch(/^HTTP\/1\.1 201/);
      expect(response).toMatch(/connection: close/i);
      expect(response).toMatch(new RegExp(`"rounds":${rounds}`));
      codes.push(/"code":"([A-Z0-9]+)"/.exec(response)?.[1] as string);
    }
    expect(new Set(codes.map((code) => shardOf(code, 2)))).toEqual(new Set([0, 1]));
  });

  it("answers what is not a request, or a first line too long, and stays up", async () => {
    const server = await start(tempDir());
    const port = Number(new URL(server.url).port);
    const exchange = (bytes: string | Buffer, end = false) =>
      new Promise<string>((resolve) => {
        const tcp = net.connect(port, "127.0.0.1");
        let text = "";
        tcp.on("data", (chunk) => {
          text += chunk.toString("latin1");
        });
        tcp.on("close", () => resolve(text));
        tcp.on("error", () => undefined);
        tcp.write(bytes);
        if (end) tcp.end();
      });
    // Bytes that are not HTTP reach a process, whose HTTP parser refuses them.
    for (let i = 0; i < 4; i++)
      expect(await exchange(Buffer.from([0, 255, 13, 10, 1, 2, 3, 13, 10, 13, 10]))).toMatch(
        /^HTTP\/1\.1 400/,
      );
    // A first line that never ends is cut off at 8 KB.
    expect(await exchange(`GET /${"a".repeat(9000)}`)).toMatch(/^HTTP\/1\.1 431/);
    // A connection that closes before its first line is just gone.
    expect(await exchange("GET /soc", true)).toBe("");
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(childPids(server.process.pid as number)).toHaveLength(2);
  });

  it("starts a killed process again with its rooms; its players reconnect to their seats and the other room plays on", async () => {
    const server = await start(tempDir());
    const { held } = await roomOnEach(server.url);
    const [inFirst, inSecond] = [
      await playIn(server.url, held[0].code, held[0].facilitatorToken),
      await playIn(server.url, held[1].code, held[1].facilitatorToken),
    ];
    // The workers in the order they were started: the second holds the second room.
    const [, second] = childPids(server.process.pid as number) as [number, number];
    process.kill(second, "SIGKILL");
    await waitFor(() => inSecond.player.status === "reconnecting", "the second room's players notice");
    // The other room does not wait for it. (Locking in is always open to a player with a card
    // selected; a second affordable card is not, after some deals.)
    ok(await inFirst.player.play("seat:lockIn"));
    await waitFor(() => inFirst.player.view?.me?.locked === true, "the first room's player locked in");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    // The worker comes back, rebuilt from its file, and its player is in the same seat with the
    // card it had selected.
    await waitFor(() => inSecond.player.status === "online", "the second room's player back online", 20_000);
    expect(inSecond.player.view?.me?.selected).toContain(inSecond.card);
    ok(await inSecond.player.play("seat:lockIn"));
    const again = childPids(server.process.pid as number);
    expect(again).toHaveLength(2);
    expect(again).not.toContain(second);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("takes its workers with it when the main process is killed, and a new server takes the data over", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const { held } = await roomOnEach(first.url);
    const workers = childPids(first.process.pid as number);
    await first.kill("SIGKILL");
    await waitFor(() => workers.every((pid) => !alive(pid)), "the workers gone");
    // No WORKERS given: the data directory says how many processes wrote it.
    const second = await start(dataDir, {});
    expect(childPids(second.process.pid as number)).toHaveLength(2);
    for (const room of held) {
      const host = connection(second.url, room.code);
      ok(await host.watch(room.code));
    }
  });

  it("refuses to start with a number of processes other than the one its data was written by", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await createRoomAt(first.url);
    await first.kill("SIGTERM");
    await expect(start(dataDir, { WORKERS: "1" })).rejects.toThrow(
      /holds rooms written by 2 process\(es\); start with WORKERS=2, or use another DATA_DIR/,
    );
    await expect(start(tempDir(), { WORKERS: "two" })).rejects.toThrow(
      /WORKERS must be a whole number from 1 to 16, got "two"/,
    );
  });
});
