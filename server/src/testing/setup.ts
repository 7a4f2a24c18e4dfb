/** Common set-ups for integration tests: a room with people in it, started, in planning. */

import type { Deck, RoomSettingsInput } from "@boxless/shared";
import type { GameConnection } from "../../../client/src/net/connection";
import { ok, type TestServer, waitFor } from "./harness";

/** What a table needs of a server: rooms over HTTP and reference clients (a test server, or a bench's). */
export type TableServer = Pick<TestServer, "createRoom" | "client">;

export interface Table {
  code: string;
  facilitatorToken: string;
  facilitator: GameConnection;
  host: GameConnection;
  players: GameConnection[];
  /** Each player's seat token, as their join ack gave it. */
  tokens: string[];
}

/** Create a room (with `deck`, or the built-in one), attach a facilitator and a host screen, and let `people` join. */
export async function openTable(
  t: TableServer,
  people: number,
  settings: RoomSettingsInput = {},
  deck?: Deck,
): Promise<Table> {
  const room = await t.createRoom({
    settings: { fillWithBots: false, timerSeconds: null, ...settings },
    ...(deck ? { deck } : {}),
  });
  const facilitator = t.client();
  ok(await facilitator.facilitate(room.code, room.facilitatorToken));
  const host = t.client();
  ok(await host.watch(room.code));
  const players: GameConnection[] = [];
  const tokens: string[] = [];
  for (let i = 1; i <= people; i++) {
    const player = t.client();
    tokens.push(ok(await player.join(room.code, `Player ${i}`)).seatToken);
    players.push(player);
  }
  return { code: room.code, facilitatorToken: room.facilitatorToken, facilitator, host, players, tokens };
}

/** Start the game and let every team decide where Community reports: the table is then planning round 1. */
export async function startPlanning(table: Table): Promise<void> {
  ok(await table.facilitator.control("game:start"));
  // Every player's own view, not only the host's: a decider names the round its view shows.
  await waitFor(
    () => table.players.every((p) => p.view?.game.phase === "reporting"),
    "the reporting decision on every screen",
  );
  for (const team of table.host.view?.game.teams ?? []) {
    const decider = table.players.find((p) => p.seatId === team.seats[0]?.id);
    if (decider) ok(await decider.play("team:chooseReporting", { side: "product" }));
  }
  await waitFor(
    () => table.players.every((p) => p.view?.game.phase === "planning" && (p.view.me?.hand.length ?? 0) > 0),
    "round 1's planning on every screen",
  );
}
