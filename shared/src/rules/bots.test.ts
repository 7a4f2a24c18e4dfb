import { describe, expect, it } from "vitest";
import { builtinDeck } from "../content/builtin-deck";
import { planBotCommands } from "./bots";
import type { GameCommand } from "./commands";
import { applyCommand, createGame } from "./engine";
import { createRandom } from "./random";
import { runBots } from "./simulate";
import type { GameState } from "./state";
import { viewFor } from "./view";

function apply(state: GameState, command: GameCommand): GameState {
  const result = applyCommand(state, command);
  if (!result.ok) throw new Error(`${command.type}: ${result.error.message}`);
  return result.state;
}

/** One person ("me") and three coordinated bots, in the planning phase of round 1. */
function humanWithBots(): GameState {
  const created = createGame({ rounds: 3, fillWithBots: true, botStrategy: "coordinated" }, builtinDeck, 5);
  if (!created.ok) throw new Error(created.error.message);
  let state = apply(created.value, { type: "seat:add", seatId: "me", name: "Me", bot: null });
  state = apply(state, { type: "game:start" });
  return apply(state, { type: "team:chooseReporting", seatId: "me", side: "product" });
}

describe("a bot on a team with a person", () => {
  it("does not decide where Community reports for the people on its team", () => {
    const created = createGame({ fillWithBots: true }, builtinDeck, 5);
    if (!created.ok) throw new Error(created.error.message);
    let state = apply(created.value, { type: "seat:add", seatId: "me", name: "Me", bot: null });
    state = apply(state, { type: "game:start" });
    const bots = state.seatOrder.filter((id) => state.seats[id]?.bot);
    for (const id of bots) expect(planBotCommands(state, id, createRandom(1))).toEqual([]);
  });

  it("plans cards the person can see, but waits for the person before locking in", () => {
    const state = runBots(humanWithBots(), createRandom(1));
    const bots = state.seatOrder.filter((id) => state.seats[id]?.bot);
    expect(bots).toHaveLength(3);
    expect(bots.every((id) => !state.seats[id]?.locked)).toBe(true);
    expect(bots.some((id) => (state.seats[id]?.selected.length ?? 0) > 0)).toBe(true);
    const me = viewFor(state, { kind: "seat", seatId: "me" }).me;
    for (const mate of me?.teammates ?? []) {
      expect(mate.planned.map((c) => c.id)).toEqual(state.seats[mate.id]?.selected);
    }
    expect(state.phase).toBe("planning");
  });

  it("locks in once the person has, so the round is revealed; unlocks when the person changes their mind", () => {
    let state = runBots(humanWithBots(), createRandom(1));
    state = apply(state, { type: "seat:lockIn", seatId: "me" });
    const bots = state.seatOrder.filter((id) => state.seats[id]?.bot);
    const [first, ...rest] = bots;
    const commands = planBotCommands(state, first as string, createRandom(1));
    expect(commands.at(-1)).toEqual({ type: "seat:lockIn", seatId: first });
    for (const command of commands) state = apply(state, command);
    state = apply(state, { type: "seat:unlock", seatId: "me" });
    expect(planBotCommands(state, first as string, createRandom(1))).toEqual([
      { type: "seat:unlock", seatId: first },
    ]);
    state = apply(state, { type: "seat:unlock", seatId: first as string });
    state = apply(state, { type: "seat:lockIn", seatId: "me" });
    state = runBots(state, createRandom(1));
    expect(rest.length).toBe(2);
    expect(state.phase).toBe("revealed");
  });

  it("replans around a card the person shows: it never plans a card the person has locked in", () => {
    let state = runBots(humanWithBots(), createRandom(1));
    const mine = viewFor(state, { kind: "seat", seatId: "me" }).me?.hand.find((c) => c.problem === null);
    if (!mine) throw new Error("no playable card in my hand");
    state = apply(state, { type: "card:select", seatId: "me", cardId: mine.id });
    state = apply(state, { type: "card:show", seatId: "me", cardId: mine.id });
    state = apply(state, { type: "seat:lockIn", seatId: "me" });
    state = runBots(state, createRandom(1));
    expect(state.phase).toBe("revealed");
    const plays = state.teams.t1?.roundScores[0]?.plays ?? [];
    expect(plays.filter((p) => p.cardId === mine.id)).toEqual([
      { seatId: "me", cardId: mine.id, cost: mine.cost },
    ]);
  });

  it("shares a role's energy with a person who chose cards unshown: plans within what is left and locks in", () => {
    let state = runBots(humanWithBots(), createRandom(1));
    const myRoles = state.seats.me?.roles ?? [];
    const [bot] = state.seatOrder.filter((id) => state.seats[id]?.bot);
    // The bot takes the person's role too: both now draw on one budget.
    state = apply(state, { type: "seat:assign", seatId: bot as string, teamId: "t1", roles: [...myRoles] });
    // The person spends what they can, most expensive first, and shows none of it.
    for (;;) {
      const me = viewFor(state, { kind: "seat", seatId: "me" }).me;
      const card = [...(me?.hand ?? [])]
        .filter((c) => c.problem === null && !me?.selected.includes(c.id))
        .sort((a, b) => b.cost - a.cost)[0];
      if (!card || card.cost === 0) break;
      state = apply(state, { type: "card:select", seatId: "me", cardId: card.id });
    }
    const left = viewFor(state, { kind: "seat", seatId: bot as string }).me?.energy.left ?? 0;
    // While the person is still deciding, every bot's plan is accepted (runBots refuses nothing)…
    state = runBots(state, createRandom(1));
    // …and once the person locks in, the bots do too.
    state = apply(state, { type: "seat:lockIn", seatId: "me" });
    state = runBots(state, createRandom(1));
    expect(state.phase).toBe("revealed");
    const botPlays = (state.teams.t1?.roundScores[0]?.plays ?? []).filter((p) => p.seatId === bot);
    expect(botPlays.reduce((sum, p) => sum + p.cost, 0)).toBeLessThanOrEqual(left);
  });
});
