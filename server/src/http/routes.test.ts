/**
 * The HTTP side with a real server: health and metrics, creating rooms (settings checked, custom
 * decks checked with their problems reported, nothing created when invalid), the 256 KB limit,
 * deleting a room with the facilitator token, and the client's pages.
 */
import { builtinDeck, CreateRoomResponse } from "@boxless/shared";
import { afterEach, describe, expect, it } from "vitest";
import { ok, startServer, type TestServer } from "../testing/harness";

let t: TestServer;
afterEach(async () => t?.close());

const post = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("HTTP", () => {
  it("answers /healthz with rooms, connected players and uptime", async () => {
    t = await startServer();
    const room = await t.createRoom();
    const player = t.client();
    ok(await player.join(room.code, "Ann"));
    const health = await (await fetch(`${t.url}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", rooms: 1, connectedPlayers: 1, sockets: 1 });
    expect(health.uptimeSeconds).toEqual(expect.any(Number));
  });

  it("exports Prometheus metrics: sockets, rooms, requests by result and code, ack latency", async () => {
    t = await startServer();
    const room = await t.createRoom();
    const player = t.client();
    ok(await player.join(room.code, "Ann"));
    await player.play("seat:lockIn"); // refused: the game has not started
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/^boxless_connected_sockets 1$/m);
    expect(text).toMatch(/^boxless_active_rooms 1$/m);
    expect(text).toMatch(/^boxless_requests_total\{result="accepted",code=""\} 1$/m);
    expect(text).toMatch(/^boxless_requests_total\{result="rejected",code="game\/not_started"\} 1$/m);
    expect(text).toMatch(/^boxless_ack_seconds_count\{event="room:join"\} 1$/m);
    expect(text).toMatch(/^boxless_process_resident_memory_bytes \d+/m);
  });

  it("creates a room with the chosen settings and links that phones can open", async () => {
    t = await startServer();
    const response = await post("/api/rooms", {
      settings: { rounds: 3, timerSeconds: null, teamSize: 5, autoAdvanceSeconds: 15 },
    });
    expect(response.status).toBe(201);
    const body = CreateRoomResponse.parse(await response.json());
    expect(body.settings).toMatchObject({
      rounds: 3,
      timerSeconds: null,
      teamSize: 5,
      autoAdvanceSeconds: 15,
      fillWithBots: true,
    });
    expect(body.links.join).toBe(`${t.url}/join/${body.code}`);
    expect(body.links.facilitator).toBe(`${t.url}/facilitate/${body.code}#${body.facilitatorToken}`);
    expect(body.deck.name).toBe(builtinDeck.name);
  });

  it("uses PUBLIC_URL for links when it is set", async () => {
    t = await startServer({ config: { publicUrl: "https://boxless.example.org/" } });
    const body = await t.createRoom();
    expect(body.links.join).toBe(`https://boxless.example.org/join/${body.code}`);
    expect(body.links.lanJoin).toBeNull();
  });

  it("refuses bad settings with the field at fault, and creates nothing", async () => {
    t = await startServer();
    for (const settings of [
      { rounds: 13 },
      { timerSeconds: 10 },
      { teamSize: 0 },
      { rounds: "five" },
      { colour: "red" },
    ]) {
      const response = await post("/api/rooms", { settings });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error.code).toBe("request/invalid");
      expect(body.error.message).toMatch(/^settings/);
    }
    expect((await post("/api/rooms", "{not json")).status).toBe(400);
    expect(t.server.rooms.all()).toHaveLength(0);
  });

  it("checks a custom deck: problems come back with their JSON paths and nothing is created", async () => {
    t = await startServer();
    const broken = structuredClone(builtinDeck) as unknown as { actions: { cost: number }[]; name: string };
    (broken.actions[3] as { cost: number }).cost = 99;
    const response = await post("/api/rooms", { deck: broken });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.error.code).toBe("deck/invalid");
    expect(body.error.problems).toContainEqual({ path: "$.actions[3].cost", message: expect.any(String) });
    expect(t.server.rooms.all()).toHaveLength(0);

    const check = await (await post("/api/decks/check", broken)).json();
    expect(check.ok).toBe(false);
    expect(check.problems[0].path).toBe("$.actions[3].cost");

    const custom = { ...structuredClone(builtinDeck), name: "Our company deck" };
    const created = await post("/api/rooms", { deck: custom });
    expect(created.status).toBe(201);
    expect((await created.json()).deck.name).toBe("Our company deck");
  });

  it("refuses a body over 256 KB", async () => {
    t = await startServer();
    const huge = { deck: { name: "x".repeat(300 * 1024) } };
    const response = await post("/api/rooms", huge);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("request/too_large");
  });

  it("deletes a room only with its facilitator token, and tells whoever is in it", async () => {
    t = await startServer();
    const room = await t.createRoom();
    const player = t.client();
    ok(await player.join(room.code, "Ann"));
    const url = `${t.url}/api/rooms/${room.code}`;
    expect((await fetch(url, { method: "DELETE" })).status).toBe(403);
    expect(
      (await fetch(url, { method: "DELETE", headers: { authorization: "Bearer wrong-token-0000000" } }))
        .status,
    ).toBe(403);
    const deleted = await fetch(url, {
      method: "DELETE",
      headers: { authorization: `Bearer ${room.facilitatorToken}` },
    });
    expect(deleted.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(player.ended?.code).toBe("room/deleted");
    expect(await t.store.getRoom(room.code)).toBeNull();
    const again = t.client();
    const ack = await again.watch(room.code);
    expect(ack.ok ? "found" : ack.error.code).toBe("room/not_found");
  });

  it("keeps a finished game stored and viewable after a restart", async () => {
    t = await startServer();
    const room = await t.createRoom({ settings: { rounds: 1, fillWithBots: true, timerSeconds: null } });
    const facilitator = t.client();
    ok(await facilitator.facilitate(room.code, room.facilitatorToken));
    ok(await facilitator.control("game:setBots", { fillWithBots: true }));
    const player = t.client();
    ok(await player.join(room.code, "Ann"));
    ok(await facilitator.control("game:start"));
    ok(await facilitator.control("round:forceReveal")); // reporting → planning
    ok(await facilitator.control("round:forceReveal")); // planning → revealed
    ok(await facilitator.control("round:next")); // last round → finished
    const finalScores = t.server.rooms.all()[0]?.game.finalScores;
    expect(finalScores).not.toBeNull();
    await t.server.close();
    const again = await startServer({ dbFile: t.dbFile });
    t = again;
    expect(again.server.rooms.all()).toHaveLength(0); // finished rooms are loaded on demand
    const host = again.client();
    const watched = ok(await host.watch(room.code));
    expect(watched.session.view.game.phase).toBe("finished");
    expect(watched.session.view.game.leaderboard.map((l) => l.final)).toEqual(
      expect.arrayContaining(Object.values(finalScores ?? {})),
    );
  });
});
