/** Choices a test player makes from its own view, using only what the server sent it. */
import type { GameConnection } from "../../../client/src/net/connection";

/** Cards in this player's hand it may choose now, cheapest first, within its energy. */
export function affordableCards(player: GameConnection, max = 3): string[] {
  const me = player.view?.me;
  if (!me) return [];
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
