import { afterEach, describe, expect, it } from "vitest";
import { ok, startServer, type TestServer, waitFor } from "../testing/harness";
import { affordableCards, deckWhereEveryoneChooses } from "../testing/play";
import { openTable, startPlanning } from "../testing/setup";

/** What the server's TCP socket under each WebSocket connection was asked to write, call by call. */
function recordWrites(t: TestServer): Map<string, string[]> {
  const writes = new Map<string, string[]>();
  const engine = t.server.io.engine as unknown as {
    clients: Record<string, { transport: { name: string; socket: { _socket: Record<string, unknown> } } }>;
  };
  for (const [id, conn] of Object.entries(engine.clients)) {
    expect(conn.transport.name).toBe("websocket");
    const tcp = conn.transport.socket._socket as {
      _write(chunk: Buffer, encoding: string, cb: () => void): void;
      _writev(chunks: { chunk: Buffer }[], cb: () => void): void;
    };
    const calls: string[] = [];
    writes.set(id, calls);
    const write = tcp._write.bind(tcp);
    const writev = tcp._writev.bind(tcp);
    tcp._write = (chunk, encoding, cb) => {
      calls.push(chunk.toString("latin1"));
      write(chunk, encoding, cb);
    };
    tcp._writev = (chunks, cb) => {
      calls.push(chunks.map((c) => c.chunk.toString("latin1")).join(""));
      writev(chunks, cb);
    };
  }
  return writes;
}

const PATCH = '42["view:patched"';
/** A socket.io ack on the default namespace: packet type 3, then its id (the text after the frame header). */
const ACK = /43\d+\[\{"ok":true/;

describe("a player's action reaches them in one write", () => {
  let t: TestServer;
  afterEach(async () => t?.close());

  /** A room of four players in one team, planning round 1. */
  async function planning() {
    t = await startServer();
    const table = await openTable(t, 4, { teamSize: 4, rounds: 1 }, deckWhereEveryoneChooses);
    await startPlanning(table);
    const [player] = table.players;
    if (!player) throw new Error("no player");
    return { table, player };
  }

  /** Once the last pushes of the set-up are out, record every write from here on. */
  async function recordWritesFromNow() {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return recordWrites(t);
  }

  it("sends the patch of their own view and the ack together, patch first", async () => {
    const { player } = await planning();
    const [cardId] = affordableCards(player);
    if (!cardId) throw new Error("no card to choose");
    const writes = await recordWritesFromNow();

    ok(await player.play("card:select", { cardId }));
    await waitFor(() => player.view?.me?.selected.includes(cardId), "the choice on the player's screen");

    const mine = [...writes.values()].filter((calls) => calls.some((data) => ACK.test(data)));
    expect(mine).toHaveLength(1);
    const [calls] = mine as [string[]];
    expect(calls).toHaveLength(1);
    const [data] = calls as [string];
    expect(data).toContain(PATCH);
    expect(data.indexOf(PATCH)).toBeLessThan(data.search(ACK));
  });

  it("sends a lock-in's patch to every screen of the room in one write each, the ack with the locker's", async () => {
    const { table, player } = await planning();
    const writes = await recordWritesFromNow();

    ok(await player.play("seat:lockIn"));
    const seatId = player.seatId;
    const everyone = [table.host, table.facilitator, ...table.players];
    await waitFor(
      () =>
        everyone.every((c) =>
          c.view?.game.teams.some((team) => team.seats.some((s) => s.id === seatId && s.locked)),
        ),
      "the lock-in on every screen",
    );

    // Four players, the host screen and the facilitator: six sockets, each written to once.
    expect(writes.size).toBe(6);
    for (const calls of writes.values()) {
      expect(calls).toHaveLength(1);
      expect(calls[0]).toContain(PATCH);
    }
    expect([...writes.values()].filter((calls) => ACK.test(calls[0] ?? ""))).toHaveLength(1);
  });
});
