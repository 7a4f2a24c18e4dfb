import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinDeck } from "./builtin-deck";
import { DECK_SCHEMA_ID, deckJsonSchema } from "./deck-json-schema";

const PUBLISHED = new URL("../../../docs/deck.schema.json", import.meta.url);

describe("deckJsonSchema", () => {
  it("matches the published docs/deck.schema.json", () => {
    const published = readFileSync(PUBLISHED, "utf8");
    const generated = `${JSON.stringify(deckJsonSchema(), null, 2)}\n`;
    expect(
      published,
      "docs/deck.schema.json is out of date: run `npm run --silent deck -- schema > docs/deck.schema.json`",
    ).toBe(generated);
  });

  it("names itself and describes the whole deck file for facilitators", () => {
    const schema = deckJsonSchema() as Record<string, unknown>;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(DECK_SCHEMA_ID);
    expect(schema.title).toBe("Boxless deck");
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["name", "version", "scenarios", "actions", "handoffs"]);
    expect(schema.additionalProperties).toBe(false);
    // Every top-level field of the built-in deck is one the schema knows.
    expect(Object.keys(schema.properties as object).sort()).toEqual(
      ["$schema", ...Object.keys(builtinDeck)].sort(),
    );
  });
});
