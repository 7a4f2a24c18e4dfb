/** For the rules' tests: applying commands that must succeed, and a game with seats in it. */
import { builtinDeck } from "../content/builtin-deck";
import type { GameCommand } from "./commands";
import { applyCommand, createGame } from "./engine";
import type { GameState } from "./state";
import type { BotStrategy, GameSettingsInput } from "./vocabulary";

/** The state after `command`; a refusal is a broken test set-up, so it throws. */
export function must(state: GameState, command: GameCommand): GameState {
  const result = applyCommand(state, command);
  if (!result.ok) throw new Error(`fixture: ${command.type} refused: ${result.error.message}`);
  return result.state;
}

/**
 * A 4-round game of the built-in deck (unless `settings` say otherwise) in the lobby, with
 * `people` seats `s1…` and `bots` bot seats `b1…` whose strategies take turns.
 */
export function seatedGame(
  settings: GameSettingsInput,
  people: number,
  bots: number,
  seed: number,
): GameState {
  const created = createGame({ rounds: 4, ...settings }, builtinDeck, seed);
  if (!created.ok) throw new Error(created.error.message);
  let state = created.value;
  for (let i = 1; i <= people; i++)
    state = must(state, { type: "seat:add", seatId: `s${i}`, name: `Seat ${i}`, bot: null });
  const strategies: BotStrategy[] = ["coordinated", "random", "role-only"];
  for (let i = 1; i <= bots; i++)
    state = must(state, {
      type: "seat:add",
      seatId: `b${i}`,
      name: `Bot seat ${i}`,
      bot: strategies[i % 3] as BotStrategy,
    });
  return state;
}
