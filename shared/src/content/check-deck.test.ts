import { describe, expect, it } from "vitest";
import { type Deck, ROLES } from "../rules/vocabulary";
import { builtinDeck } from "./builtin-deck";
import { checkDeck, type DeckProblem, formatProblems } from "./check-deck";

/** A small deck that checks out: one scenario, four cards for each role, one hand-off. */
function tinyDeck(): Deck {
  return {
    name: "Tiny",
    version: 1,
    scenarios: [
      {
        id: "launch",
        title: "Launch",
        situation: ["It ships Tuesday.", "Nobody has told Support."],
        demands: { outbound: 10, inbound: 8, advocacy: 6 },
      },
    ],
    actions: ROLES.flatMap((role) =>
      [1, 2, 3, 4].map((n) => ({
        id: `${role}-${n}`,
        role,
        title: `${role} card ${n}`,
        text: "Does a thing.",
        cost: n,
        points: { outbound: n },
      })),
    ),
    handoffs: [
      {
        id: "brief-support",
        title: "Brief Support",
        lesson: "Support hears it from us first.",
        first: { card: "pmm-1" },
        second: { anyCardWithDuty: "advocacy" },
        supply: { advocacy: 2 },
        bonus: 3,
      },
    ],
  };
}

function problemsOf(input: unknown, options?: { handSize?: number }): DeckProblem[] {
  const result = checkDeck(input, options);
  if (result.ok) throw new Error(`expected problems, got: ${result.summary}`);
  return result.problems;
}

describe("checkDeck", () => {
  it("passes the built-in deck and sums it up in one line", () => {
    const result = checkDeck(builtinDeck);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    const perRole = ROLES.map(
      (role) => `${role} ${builtinDeck.actions.filter((c) => c.role === role).length}`,
    );
    const investments = builtinDeck.actions.filter((c) => c.investment).length;
    expect(result.summary).toBe(
      `Deck "Boxless classic": ${builtinDeck.scenarios.length} scenarios, ${builtinDeck.actions.length} action cards ` +
        `(${perRole.join(", ")}), ${investments} investments, ${builtinDeck.handoffs.length} hand-offs — OK`,
    );
    expect(result.summary).not.toContain("\n");
    expect(result.deck).toEqual(builtinDeck);
  });

  it("counts in the singular where there is one of a kind", () => {
    const result = checkDeck(tinyDeck());
    expect(result).toMatchObject({
      ok: true,
      summary:
        'Deck "Tiny": 1 scenario, 16 action cards (pm 4, pmm 4, cm 4, support 4), 0 investments, 1 hand-off — OK',
    });
  });

  it("reports a wrong cost type, a duplicate id, an unknown card and a short role all together", () => {
    const deck = tinyDeck() as unknown as {
      actions: Record<string, unknown>[];
      handoffs: Record<string, unknown>[];
    };
    deck.actions = deck.actions.filter((card) => card.id !== "support-4" && card.id !== "support-3");
    const [, , , fourth, fifth] = deck.actions;
    if (!fourth || !fifth) throw new Error("the tiny deck has at least five cards");
    fourth.cost = "2";
    fifth.id = "pm-1";
    deck.handoffs[0] = { ...deck.handoffs[0], first: { card: "pmm-9" } };

    expect(problemsOf(deck)).toEqual([
      { path: "$.actions[3].cost", message: 'should be a number; got the text "2"' },
      { path: "$.actions[4].id", message: 'action card id "pm-1" is already used by $.actions[0]' },
      { path: "$.handoffs[0].first.card", message: 'no action card has the id "pmm-9"' },
      { path: "$.actions", message: "role support has 2 cards but a hand needs 4" },
    ]);
  });

  it("uses the schema's own sentences for ranges", () => {
    const deck = tinyDeck();
    const card = deck.actions[3];
    if (!card) throw new Error("the tiny deck has a fourth card");
    card.cost = 7;
    card.points = { inbound: 21 };
    expect(problemsOf(deck)).toEqual([
      { path: "$.actions[3].cost", message: "a cost is at most 6" },
      { path: "$.actions[3].points.inbound", message: "points are at most 20" },
    ]);
  });

  it("asks for handSize - 1 cards of each role", () => {
    expect(checkDeck(tinyDeck(), { handSize: 5 }).ok).toBe(true);
    expect(problemsOf(tinyDeck(), { handSize: 6 })).toEqual(
      ROLES.map((role) => ({ path: "$.actions", message: `role ${role} has 4 cards but a hand needs 5` })),
    );
  });

  it("finds duplicate scenario and hand-off ids, a hand-off joining a card to itself, and empty demands", () => {
    const deck = tinyDeck();
    const [scenario] = deck.scenarios;
    const [handoff] = deck.handoffs;
    if (!scenario || !handoff) throw new Error("the tiny deck has a scenario and a hand-off");
    deck.scenarios.push({ ...scenario, demands: { outbound: 0, inbound: 0, advocacy: 0 } });
    deck.handoffs.push({ ...handoff, first: { card: "cm-2" }, second: { card: "cm-2" } });

    expect(problemsOf(deck)).toEqual([
      { path: "$.scenarios[1].id", message: 'scenario id "launch" is already used by $.scenarios[0]' },
      { path: "$.handoffs[1].id", message: 'hand-off id "brief-support" is already used by $.handoffs[0]' },
      {
        path: "$.handoffs[1].second.card",
        message: 'both halves of the hand-off are the card "cm-2"; a hand-off joins two different cards',
      },
      {
        path: "$.scenarios[1].demands",
        message: 'scenario "launch" demands nothing; at least one duty needs a demand above 0',
      },
    ]);
  });

  it("suggests the id that a misspelt card reference probably meant", () => {
    const deck = tinyDeck();
    deck.actions.push({
      id: "call-the-customers",
      role: "pm",
      title: "Call",
      text: "Ring them.",
      cost: 1,
      points: {},
    });
    const [handoff] = deck.handoffs;
    if (!handoff) throw new Error("the tiny deck has a hand-off");
    handoff.second = { card: "call-the-customer" };
    expect(problemsOf(deck)).toEqual([
      {
        path: "$.handoffs[0].second.card",
        message: 'no action card has the id "call-the-customer"; did you mean "call-the-customers"?',
      },
    ]);
  });

  it("still checks references where other parts of the deck are malformed", () => {
    const deck = { ...tinyDeck(), name: 42, scenarios: "none yet" } as Record<string, unknown>;
    const actions = deck.actions as Record<string, unknown>[];
    actions.push({ ...actions[0], cost: -1 });
    expect(problemsOf(deck)).toEqual([
      { path: "$.name", message: "should be text (a string); got the number 42" },
      { path: "$.scenarios", message: 'should be a list (an array); got the text "none yet"' },
      { path: "$.actions[16].cost", message: "a cost cannot be negative" },
      { path: "$.actions[16].id", message: 'action card id "pm-1" is already used by $.actions[0]' },
    ]);
  });

  it("reports an unknown field at its own path, a half that is neither form, and a missing field", () => {
    const deck = tinyDeck() as unknown as Record<string, Record<string, unknown>[]>;
    const [card] = deck.actions ?? [];
    const [handoff] = deck.handoffs ?? [];
    if (!card || !handoff) throw new Error("the tiny deck has cards and a hand-off");
    card.colour = "blue";
    handoff.second = { card: "cm-1", anyCardWithDuty: "inbound" };
    delete handoff.bonus;
    expect(problemsOf(deck)).toEqual([
      {
        path: "$.actions[0].colour",
        message: "unknown field; the fields here are id, role, title, text, cost, points, investment",
      },
      {
        path: "$.handoffs[0].second",
        message:
          'must be { "card": … } or { "anyCardWithDuty": … }; got an object with card, anyCardWithDuty',
      },
      { path: "$.handoffs[0].bonus", message: "is missing; it should be a number" },
    ]);
  });

  it("checks every effect of a twist even when there are too many of them", () => {
    const deck = tinyDeck();
    const [scenario] = deck.scenarios;
    if (!scenario) throw new Error("the tiny deck has a scenario");
    const effects = [
      { kind: "energyDelta", delta: 1 },
      { kind: "energyDelta", delta: 9 },
      { kind: "energyDelta", delta: 1 },
      { kind: "teaBreak" },
    ];
    scenario.twist = { title: "Chaos", text: "Everything at once.", effects } as NonNullable<
      typeof scenario.twist
    >;
    expect(problemsOf(deck)).toEqual([
      { path: "$.scenarios[0].twist.effects", message: "must have at most 3 items; it has 4" },
      { path: "$.scenarios[0].twist.effects[1].delta", message: "must be at most 3; got the number 9" },
      {
        path: "$.scenarios[0].twist.effects[3].kind",
        message:
          'must be one of "roleFrozen", "dutyAlsoCounts", "energyDelta", "dutyCostDelta", "handoffMultiplier"; ' +
          'got the text "teaBreak"',
      },
    ]);
  });

  it.each([
    [null, "null"],
    [[], "an empty list"],
    ["deck.json", 'the text "deck.json"'],
    [7, "the number 7"],
  ])("gives one clear problem at $ for a deck that is not an object (%j)", (input, got) => {
    expect(problemsOf(input)).toEqual([
      {
        path: "$",
        message: `a deck is a JSON object with name, version, scenarios, actions and handoffs; got ${got}`,
      },
    ]);
  });

  it("says what is missing from an empty object", () => {
    expect(problemsOf({}).map((p) => p.path)).toEqual([
      "$.name",
      "$.version",
      "$.scenarios",
      "$.actions",
      "$.handoffs",
    ]);
  });
});

describe("formatProblems", () => {
  it("writes one line per problem, path first", () => {
    expect(
      formatProblems([
        { path: "$.actions[3].cost", message: "a cost is at most 6" },
        { path: "$.handoffs[0].first.card", message: 'no action card has the id "x"' },
      ]),
    ).toBe('$.actions[3].cost: a cost is at most 6\n$.handoffs[0].first.card: no action card has the id "x"');
  });
});
