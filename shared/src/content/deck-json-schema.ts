/**
 * The deck file format as a JSON Schema, generated from the same zod `Deck` schema the engine and
 * `checkDeck` use, so that editors can complete and underline a deck file while it is written.
 * The published copy is docs/deck.schema.json; a test keeps it in step with this function.
 */
import { z } from "zod";
import { Deck } from "../rules/vocabulary";

export const DECK_SCHEMA_ID = "urn:boxless:deck-file:v1";

export function deckJsonSchema(): object {
  const { $schema, ...body } = z.toJSONSchema(Deck, { target: "draft-2020-12", io: "input" });
  return {
    $schema,
    $id: DECK_SCHEMA_ID,
    title: "Boxless deck",
    description:
      "A deck of cards for Boxless: scenario cards that make demands on the three duties (outbound, " +
      "inbound, advocacy), action cards that each role (pm, pmm, cm, support) plays to supply them, and " +
      "hand-offs that reward two cards played in the same round. Check a deck with " +
      "`npm run deck -- check my-deck.json`; start from `npm run deck -- export builtin`. Checking also " +
      "catches what this schema cannot: duplicate ids, hand-offs naming unknown cards, and roles with " +
      "too few cards for a hand.",
    ...body,
  };
}
