/** Lookups into a deck, built once per deck object and cached (the deck itself is never changed). */
import type { ActionCard, Deck, Handoff, HandoffHalf, ReportingSide, Role, ScenarioCard } from "./vocabulary";
import { ROLES } from "./vocabulary";

export interface DeckIndex {
  deck: Deck;
  cards: ReadonlyMap<string, ActionCard>;
  scenarios: ReadonlyMap<string, ScenarioCard>;
  cardsByRole: Readonly<Record<Role, readonly ActionCard[]>>;
  /** Cards that cost 1 less energy because Community reports to that side (see `reportingDiscounted`). */
  discounted: Readonly<Record<ReportingSide, ReadonlySet<string>>>;
}

const cache = new WeakMap<Deck, DeckIndex>();

const SIDE_ROLE: Record<ReportingSide, Role> = { product: "pm", marketing: "pmm" };
const COMMUNITY: readonly Role[] = ["cm", "support"];

function halfCard(half: HandoffHalf, cards: ReadonlyMap<string, ActionCard>): ActionCard | undefined {
  return "card" in half ? cards.get(half.card) : undefined;
}

/**
 * A hand-off is "with a side" when one half is a Community or Support card and the other half is
 * that side's card (the PM's for Product, the PMM's for Marketing). Both of its cards cost 1 less.
 */
function discountedCards(
  handoffs: readonly Handoff[],
  cards: ReadonlyMap<string, ActionCard>,
  side: ReportingSide,
) {
  const out = new Set<string>();
  for (const handoff of handoffs) {
    const a = halfCard(handoff.first, cards);
    const b = halfCard(handoff.second, cards);
    if (!a || !b) continue;
    const withSide =
      (COMMUNITY.includes(a.role) && b.role === SIDE_ROLE[side]) ||
      (COMMUNITY.includes(b.role) && a.role === SIDE_ROLE[side]);
    if (withSide) {
      out.add(a.id);
      out.add(b.id);
    }
  }
  return out;
}

export function indexDeck(deck: Deck): DeckIndex {
  const cached = cache.get(deck);
  if (cached) return cached;
  const cards = new Map(deck.actions.map((card) => [card.id, card]));
  const cardsByRole = Object.fromEntries(
    ROLES.map((role) => [role, deck.actions.filter((c) => c.role === role)]),
  ) as Record<Role, ActionCard[]>;
  const index: DeckIndex = {
    deck,
    cards,
    scenarios: new Map(deck.scenarios.map((s) => [s.id, s])),
    cardsByRole,
    discounted: {
      product: discountedCards(deck.handoffs, cards, "product"),
      marketing: discountedCards(deck.handoffs, cards, "marketing"),
    },
  };
  cache.set(deck, index);
  return index;
}
