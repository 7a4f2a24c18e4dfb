/** Choices a test player makes from its own view, using only what the server sent it. */
import { builtinDeck, type Deck, seatBlocked } from "@boxless/shared";
import type { GameConnection } from "../../../client/src/net/connection";

/**
 * The built-in deck without the scenarios whose twist freezes a role (a hiring freeze leaves the
 * PMM nothing to choose that round), for tests in which every seat must be able to choose a card
 * in whatever scenario the room's random seed deals.
 */
export const deckWhereEveryoneChooses: Deck = {
  ...builtinDeck,
  scenarios: builtinDeck.scenarios.filter(
    (scenario) => !scenario.twist?.effects.some((effect) => effect.kind === "roleFrozen"),
  ),
};

/** Cards in this player's hand it may choose now, cheapest first, within its energy. */
export function affordableCards(player: GameConnection, max = 3): string[] {
  const me = player.view?.me;
  const game = player.view?.game;
  if (!me || !game || seatBlocked(game, me)) return [];
  let left = me.energy.left;
  const picks: string[] = [];
  for (const card of [...me.hand].sort((a, b) => a.cost - b.cost)) {
    if (picks.length >= max) break;
    if (card.problem || card.takenBy || me.selected.includes(card.id) || card.cost > left) continue;
    picks.push(card.id);
    left -= card.cost;
  }
  return picks;
}
