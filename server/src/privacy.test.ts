/**
 * Secrets stay secret until the reveal. Eight people in two teams of four choose cards; a spy in
 * team 1, a player in team 2, the host screen and a stranger socket record every push and ack they
 * get. Before the reveal nobody learns another seat's choices: a seat sees only its own hand and
 * choices, the cards its teammates chose to show, and nothing of the other team; the host screen
 * sees no hand at all; the stranger gets nothing. After the reveal the plays are on the board.
 */
import { handOf, RoomView } from "@boxless/shared";
import { io, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { GameConnection } from "../../client/src/net/connection";
import type { Room } from "./rooms/room";
import { ok, startServer, type TestServer, waitFor } from "./testing/harness";
import { affordableCards, deckWhereEveryoneChooses } from "./testing/play";

type Path = (string | number)[];

interface Message {
  kind: "push" | "ack";
  event: string | null;
  data: unknown;
}

/** Everything one socket received: decoded packets and the raw text of every frame. */
interface Recorder {
  name: string;
  messages: Message[];
  raw: string[];
  /** Problems found in the views reconstructed from the pushes, as they arrived. */
  viewProblems: string[];
}

let t: TestServer | undefined;
const extra: Socket[] = [];

afterEach(async () => {
  for (const socket of extra.splice(0)) socket.close();
  await t?.close();
  t = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function record(name: string, socket: Socket): Recorder {
  const rec: Recorder = { name, messages: [], raw: [], viewProblems: [] };
  // The engine exists as soon as the socket is made (it connects by itself): every frame, as text.
  socket.io.engine.on("message", (data: unknown) => {
    rec.raw.push(typeof data === "string" ? data : `<binary ${String(data)}>`);
  });
  socket.io.on("packet", (packet: { type: number; data?: unknown }) => {
    const data = Array.isArray(packet.data) ? packet.data : [];
    // 2 EVENT, 5 BINARY_EVENT: [name, payload]; 3 ACK, 6 BINARY_ACK: [response].
    if (packet.type === 2 || packet.type === 5)
      rec.messages.push({ kind: "push", event: String(data[0]), data: data[1] });
    else if (packet.type === 3 || packet.type === 6)
      rec.messages.push({ kind: "ack", event: null, data: data[0] });
  });
  return rec;
}

/** The parts of a message that are (part of) a view, each with its path from the view's root. */
function viewParts(message: Message): { path: Path; value: unknown }[] {
  const data = message.data as Record<string, unknown> | undefined;
  if (message.kind === "push" && message.event === "view:replaced") return [{ path: [], value: data?.view }];
  if (message.kind === "push" && message.event === "view:patched")
    return ((data?.ops ?? []) as { p: Path; v?: unknown }[]).map((op) => ({ path: op.p, value: op.v }));
  const session = (data?.data as { session?: { view?: unknown } } | undefined)?.session;
  if (message.kind === "ack" && session?.view) return [{ path: [], value: session.view }];
  return [];
}

/** Every path (and the value there) inside a view part. */
function* paths(path: Path, value: unknown): Generator<{ path: Path; value: unknown }> {
  yield { path, value };
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* paths([...path, i], item);
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) yield* paths([...path, key], item);
}

const SECRET_KEYS = ["hand", "selected", "shown", "planned", "teammates", "takenBy"];

/**
 * Where a seat's messages may hold secret state: only in its own `me` part. Teammates' shown cards
 * must be among `shownToTeam`; `planned` stays empty (no bots); `takenBy` stays null (each person
 * wears one role, so nobody shares a hand with a teammate).
 */
function seatProblems(rec: Recorder, shownToTeam: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const message of rec.messages)
    for (const part of viewParts(message))
      for (const { path, value } of paths(part.path, part.value)) {
        const where = path.join(".");
        const has = (key: string) => path.indexOf(key);
        if (!path.some((key) => typeof key === "string" && SECRET_KEYS.includes(key))) continue;
        if (path[0] !== "me") problems.push(`${rec.name}: secret state outside me at ${where}`);
        const planned = has("planned");
        if (planned >= 0 && path.length > planned + 1)
          problems.push(`${rec.name}: a teammate's planned card at ${where}`);
        if (planned >= 0 && path.length === planned + 1 && !(Array.isArray(value) && value.length === 0))
          problems.push(`${rec.name}: planned cards ${JSON.stringify(value)} at ${where}`);
        if (path.at(-1) === "takenBy" && value !== null)
          problems.push(`${rec.name}: takenBy ${String(value)} at ${where}`);
        if (has("selected") >= 0 && !(path[0] === "me" && has("selected") === 1))
          problems.push(`${rec.name}: another seat's selection at ${where}`);
        if (has("shown") >= 0 && path[1] === "teammates") {
          // The list of a teammate's shown cards, one of them, or its id: each must have been shown.
          const rest = path.slice(has("shown") + 1);
          const ids =
            rest.length === 0 && Array.isArray(value)
              ? value.map((card) => (card as { id?: unknown })?.id)
              : rest.length === 1
                ? [(value as { id?: unknown } | null)?.id]
                : rest.length === 2 && rest[1] === "id"
                  ? [value]
                  : [];
          for (const id of ids)
            if (typeof id !== "string" || !shownToTeam.has(id))
              problems.push(`${rec.name}: a teammate's card ${String(id)} that was never shown, at ${where}`);
        }
      }
  return problems;
}

/** The host screen: never a `me`, never any secret key. */
function hostProblems(rec: Recorder): string[] {
  const problems: string[] = [];
  for (const message of rec.messages)
    for (const part of viewParts(message))
      for (const { path, value } of paths(part.path, part.value)) {
        if (path[0] === "me" && path.length === 1 && value !== null)
          problems.push(`${rec.name}: a me part ${JSON.stringify(value).slice(0, 80)}`);
        if (path.some((key) => typeof key === "string" && SECRET_KEYS.includes(key)))
          problems.push(`${rec.name}: secret state at ${path.join(".")}`);
      }
  return problems;
}

/** Card ids that appear, as JSON strings, in a socket's raw frames. */
function idsIn(rec: Recorder, ids: Iterable<string>): string[] {
  const found: string[] = [];
  for (const id of ids) if (rec.raw.some((frame) => frame.includes(JSON.stringify(id)))) found.push(id);
  return found;
}

function seatOf(player: GameConnection): string {
  if (!player.seatId) throw new Error("not seated");
  return player.seatId;
}

describe("privacy before the reveal", () => {
  it("never sends a seat's hand or choices to anyone who may not see them", async () => {
    t = await startServer();
    const created = await t.createRoom({
      settings: { rounds: 3, teamSize: 4, fillWithBots: false, timerSeconds: null },
      deck: deckWhereEveryoneChooses,
    });
    const facilitator = t.client();
    ok(await facilitator.facilitate(created.code, created.facilitatorToken));

    // Recording starts before anyone attaches.
    const players = Array.from({ length: 8 }, () => t?.client() as GameConnection);
    const recorders = new Map<GameConnection, Recorder>();
    for (const [i, player] of players.entries())
      recorders.set(player, record(`player ${i + 1}`, player.socket));
    const host = t.client();
    const hostRec = record("host", host.socket);
    const strangerSocket = io(t.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    extra.push(strangerSocket);
    const strangerRec = record("stranger", strangerSocket);
    await new Promise<void>((resolve) => strangerSocket.once("connect", () => resolve()));

    ok(await host.watch(created.code));
    for (const [i, player] of players.entries()) ok(await player.join(created.code, `Player ${i + 1}`));
    await waitFor(
      () => host.view?.game.teams.flatMap((team) => team.seats).length === 8,
      "eight seats on the host screen",
    );
    const room = t.server.rooms.all()[0] as Room;
    const teamIds = room.game.teamOrder;
    expect(teamIds).toHaveLength(2);
    const teamOf = (p: GameConnection) => room.game.seats[seatOf(p)]?.teamId;
    const team1 = players.filter((p) => teamOf(p) === teamIds[0]);
    const team2 = players.filter((p) => teamOf(p) === teamIds[1]);
    expect(team1).toHaveLength(4);
    expect(team2).toHaveLength(4);
    const [shower, spy] = team1 as [GameConnection, GameConnection];
    const rival = team2[0] as GameConnection;
    const spyRec = recorders.get(spy) as Recorder;
    const rivalRec = recorders.get(rival) as Recorder;

    // What each team may see of its teammates' cards: what they showed (filled in as they show).
    const shownTo = new Map<string, Set<string>>(teamIds.map((id) => [id, new Set<string>()]));
    const checkView = (rec: Recorder, conn: GameConnection) => () => {
      const view = conn.view;
      if (!view) return;
      const parsed = RoomView.safeParse(view);
      if (!parsed.success)
        rec.viewProblems.push(`${rec.name}: view off the protocol: ${parsed.error.message}`);
      if (conn === host) {
        if (view.me !== null) rec.viewProblems.push(`${rec.name}: has a me part`);
        return;
      }
      const allowed = shownTo.get(view.me?.teamId ?? "") ?? new Set();
      for (const mate of view.me?.teammates ?? []) {
        if (mate.planned.length > 0) rec.viewProblems.push(`${rec.name}: sees ${mate.id}'s planned cards`);
        for (const card of mate.shown)
          if (!allowed.has(card.id))
            rec.viewProblems.push(`${rec.name}: sees ${mate.id}'s unshown ${card.id}`);
      }
    };
    host.subscribe(checkView(hostRec, host));
    for (const player of players) player.subscribe(checkView(recorders.get(player) as Recorder, player));

    ok(await facilitator.control("game:start"));
    // Every player's own view: a decider names the round its view shows.
    await waitFor(
      () => players.every((p) => p.view?.game.phase === "reporting"),
      "the reporting decision on every screen",
    );
    for (const team of [team1, team2])
      ok(await (team[0] as GameConnection).play("team:chooseReporting", { side: "product" }));
    await waitFor(
      () => players.every((p) => p.view?.game.phase === "planning" && (p.view.me?.hand.length ?? 0) > 0),
      "planning on every screen",
    );

    // Everyone chooses cards; nobody shows any.
    for (const player of players)
      for (const cardId of affordableCards(player, 2)) {
        const ack = await player.play("card:select", { cardId });
        if (!ack.ok) expect(["action/not_enough_energy", "action/card_taken"]).toContain(ack.error.code);
      }
    await room.idle();
    await sleep(100);
    const selectedBy = new Map(
      players.map((p) => [seatOf(p), [...(room.game.seats[seatOf(p)]?.selected ?? [])]]),
    );
    for (const [seatId, selected] of selectedBy) expect(selected.length, seatId).toBeGreaterThan(0);
    for (const player of players)
      await waitFor(
        () => JSON.stringify(player.view?.me?.selected) === JSON.stringify(selectedBy.get(seatOf(player))),
        "each player's own choices on its screen",
      );

    const handIds = (p: GameConnection) => {
      const seat = room.game.seats[seatOf(p)];
      return new Set(seat ? handOf(room.game, seat) : []);
    };
    const allHandIds = new Set(room.game.deals[0] ? Object.values(room.game.deals[0].hands).flat() : []);
    expect(allHandIds.size).toBeGreaterThan(0);
    /** Card ids chosen by other seats that this player could only learn from a leak. */
    const othersChoices = (p: GameConnection) => {
      const mine = handIds(p);
      const shown = shownTo.get(teamOf(p) ?? "") ?? new Set();
      return [...selectedBy]
        .filter(([seatId]) => seatId !== seatOf(p))
        .flatMap(([, ids]) => ids)
        .filter((id) => !mine.has(id) && !shown.has(id));
    };

    const checkAll = () => {
      for (const player of players) {
        const rec = recorders.get(player) as Recorder;
        expect(seatProblems(rec, shownTo.get(teamOf(player) ?? "") ?? new Set()), rec.name).toEqual([]);
        expect(idsIn(rec, othersChoices(player)), `${rec.name}: other seats' choices in raw frames`).toEqual(
          [],
        );
        expect(rec.viewProblems, rec.name).toEqual([]);
      }
      expect(hostProblems(hostRec)).toEqual([]);
      expect(hostRec.viewProblems).toEqual([]);
      expect(idsIn(hostRec, allHandIds), "card ids sent to the host screen").toEqual([]);
      expect(strangerRec.messages, "what the stranger got").toEqual([]);
      expect(idsIn(strangerRec, allHandIds)).toEqual([]);
    };

    // The spy and the rival were sent plenty, but nothing they may not see.
    expect(spyRec.messages.filter((m) => m.kind === "push").length).toBeGreaterThan(3);
    expect(rivalRec.messages.filter((m) => m.kind === "push").length).toBeGreaterThan(3);
    expect(spyRec.raw.some((frame) => frame.includes('"selected"'))).toBe(true);
    checkAll();
    for (const mate of spy.view?.me?.teammates ?? []) {
      expect(mate.shown).toEqual([]);
      expect(mate.planned).toEqual([]);
    }

    // The stranger asks, and is refused.
    const sync = (await strangerSocket.timeout(3_000).emitWithAck("room:sync", {})) as { ok: boolean };
    expect(sync).toMatchObject({ ok: false, error: { code: "auth/not_in_room" } });
    strangerRec.messages.length = 0;

    // One of team 1 shows a chosen card: its teammates see it, team 2 does not.
    const showCard = selectedBy.get(seatOf(shower))?.[0] as string;
    shownTo.get(teamIds[0] as string)?.add(showCard);
    ok(await shower.play("card:show", { cardId: showCard }));
    for (const mate of team1.slice(1))
      await waitFor(
        () =>
          mate.view?.me?.teammates.find((m) => m.id === seatOf(shower))?.shown.some((c) => c.id === showCard),
        "the shown card on a teammate's screen",
      );
    expect(shower.view?.me?.shown).toEqual([showCard]);
    await room.idle();
    await sleep(100);
    for (const player of team2) {
      for (const mate of player.view?.me?.teammates ?? []) expect(mate.shown).toEqual([]);
      const shower2 = team2.find((p) => handIds(p).has(showCard));
      if (player !== shower2) expect(idsIn(recorders.get(player) as Recorder, [showCard])).toEqual([]);
    }
    expect(JSON.stringify(host.view)).not.toContain(JSON.stringify(showCard));
    checkAll();

    // Everyone locks in but one: still no choices on anyone's screen.
    for (const player of players.slice(0, -1)) ok(await player.play("seat:lockIn"));
    await room.idle();
    await sleep(100);
    expect(room.game.phase).toBe("planning");
    checkAll();

    // The reveal: each team's plays are on the board for everyone (that is allowed now).
    ok(await (players.at(-1) as GameConnection).play("seat:lockIn"));
    await waitFor(() => host.view?.game.phase === "revealed", "the reveal");
    for (const viewer of [host, spy, rival])
      await waitFor(() => viewer.view?.game.phase === "revealed", "the reveal everywhere");
    for (const [i, teamId] of teamIds.entries()) {
      const expected = [team1, team2][i]?.flatMap((p) => selectedBy.get(seatOf(p)) ?? []).sort();
      for (const viewer of [host, spy, rival]) {
        const team = viewer.view?.game.teams.find((tv) => tv.id === teamId);
        expect(team?.roundScores).toHaveLength(1);
        expect(team?.roundScores[0]?.plays.map((play) => play.cardId).sort()).toEqual(expected);
      }
    }
    expect(host.view?.me).toBeNull();
    expect(strangerRec.messages).toEqual([]);
  });
});

describe("the leak detectors this test relies on", () => {
  const rec = (messages: Message[], raw: string[] = []): Recorder => ({
    name: "probe",
    messages,
    raw,
    viewProblems: [],
  });
  const patch = (p: Path, v: unknown): Message => ({
    kind: "push",
    event: "view:patched",
    data: { base: 1, version: 2, ops: [{ p, v }] },
  });

  it("accept a seat's own secrets and the cards shown to its team", () => {
    const own = rec([
      patch(["me", "selected"], ["pm-write-prd"]),
      patch(["me", "hand", 0, "takenBy"], null),
      patch(["me", "teammates", 1, "shown"], [{ id: "cm-host-ama" }]),
      patch(["me", "teammates", 1, "planned"], []),
      patch(["game", "teams", 0, "seats", 0, "locked"], true),
    ]);
    expect(seatProblems(own, new Set(["cm-host-ama"]))).toEqual([]);
    expect(hostProblems(rec([patch(["game", "round"], 2), patch(["me"], null)]))).toEqual([]);
  });

  it("catch choices, plans, unshown cards and hands where they do not belong", () => {
    const leaks: Message[] = [
      patch(["game", "teams", 0, "selected"], ["pm-write-prd"]),
      patch(["me", "teammates", 0, "planned"], [{ id: "pm-cut-scope" }]),
      patch(["me", "teammates", 0, "planned", 0], { id: "pm-cut-scope" }),
      patch(["me", "teammates", 2, "shown"], [{ id: "pm-feature-brief" }]),
      patch(["me", "teammates", 2, "shown", 0, "id"], "pm-feature-brief"),
      patch(["me", "teammates", 2, "selected"], ["pm-feature-brief"]),
      patch(["me", "hand", 3, "takenBy"], "Player 2"),
      { kind: "ack", event: null, data: { ok: true, data: { session: { view: { game: { hand: [] } } } } } },
    ];
    for (const leak of leaks)
      expect(seatProblems(rec([leak]), new Set()), JSON.stringify(leak)).not.toEqual([]);
    const host = rec([patch(["me"], { hand: [] }), patch(["game", "teams", 0, "seats", 1, "selected"], [])]);
    expect(hostProblems(host).length).toBeGreaterThanOrEqual(2);
    expect(
      idsIn(rec([], ['2["view:patched",{"v":"pm-write-prd"}]']), ["pm-write-prd", "pm-cut-scope"]),
    ).toEqual(["pm-write-prd"]);
  });
});
