import { describe, expect, it } from "vitest";
import { builtinDeck } from "../content/builtin-deck";
import { applyCommand, createGame } from "./engine";
import { canCoverFully, formatSimulationReport, simulateDeck } from "./simulate";
import type { GameState } from "./state";
import type { Deck } from "./vocabulary";

describe("simulateDeck", () => {
  it("prints the same report for the same seed, byte for byte, and another for another seed", () => {
    const a = formatSimulationReport(simulateDeck(builtinDeck, { games: 6, seed: 11 }));
    const b = formatSimulationReport(simulateDeck(builtinDeck, { games: 6, seed: 11 }));
    const c = formatSimulationReport(simulateDeck(builtinDeck, { games: 6, seed: 12 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("shows real decisions on the built-in deck: coordinated beats role-only beats random", () => {
    const report = simulateDeck(builtinDeck, { games: 40, seed: 3 });
    const median = (s: "random" | "role-only" | "coordinated") => report.overall[s].rounds.median;
    expect(median("coordinated")).toBeGreaterThan(median("role-only"));
    expect(median("role-only")).toBeGreaterThan(median("random"));
    // Every round is a triage: even the best bots rarely cover all three duties.
    expect(report.overall.coordinated.fullCover).toBeLessThanOrEqual(0.3);
    expect(report.overall.coordinated.rounds.count).toBe(40 * 5);
  });
});

function planningGame(deck: Deck): GameState {
  const created = createGame({ rounds: 1, fillWithBots: false }, deck, 1);
  if (!created.ok) throw new Error(created.error.message);
  let state = created.value;
  const commands = [
    ...["a", "b", "c", "d"].map((id) => ({ type: "seat:add" as const, seatId: id, name: id, bot: null })),
    { type: "game:start" as const },
    { type: "round:forceReveal" as const },
  ];
  for (const command of commands) {
    const result = applyCommand(state, command);
    if (!result.ok) throw new Error(result.error.message);
    state = result.state;
  }
  return state;
}

describe("canCoverFully", () => {
  const withDemands = (demands: Deck["scenarios"][number]["demands"]): Deck => ({
    ...builtinDeck,
    scenarios: builtinDeck.scenarios.map((s) => ({ ...s, demands, twist: undefined })),
  });

  it("finds a full cover when the demands are small", () => {
    const state = planningGame(withDemands({ outbound: 2, inbound: 2, advocacy: 2 }));
    expect(canCoverFully(state, "t1")).toBe(true);
  });

  it("says no when a demand is beyond every legal play", () => {
    const state = planningGame(withDemands({ outbound: 20, inbound: 20, advocacy: 20 }));
    expect(canCoverFully(state, "t1")).toBe(false);
  });
});
