/**
 * The game's vocabulary as zod schemas. Every type the engine uses is inferred from a schema here,
 * so a deck file, a saved game or a command from the wire is checked by the same definition the
 * engine is typed against.
 */
import { z } from "zod";
import { DUTIES, ROLES } from "./names";

export { DUTIES, ROLES };

export const Duty = z
  .enum(DUTIES)
  .describe(
    "outbound: telling the market; inbound: building the right thing; advocacy: the customer's voice",
  );
export type Duty = z.infer<typeof Duty>;

export const Role = z
  .enum(ROLES)
  .describe("pm: Product Manager; pmm: Product Marketing Manager; cm: Community Manager; support: Support");
export type Role = z.infer<typeof Role>;

/** Where Community (CM and Support) reports: with Product (the PM) or with Marketing (the PMM). */
export const ReportingSide = z.enum(["product", "marketing"]);
export type ReportingSide = z.infer<typeof ReportingSide>;

const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    "an id is 1–40 lowercase letters, digits or dashes, starting with a letter or digit",
  );
const Title = z.string().trim().min(1, "a title cannot be empty").max(60, "a title is at most 60 characters");
const Text = z.string().trim().min(1, "a text cannot be empty").max(280, "a text is at most 280 characters");
const Points = z
  .number()
  .int("points are whole numbers")
  .min(0, "points cannot be negative")
  .max(20, "points are at most 20");

/** Points on each duty. A missing duty counts as 0. */
export const DutyPoints = z
  .object({ outbound: Points.optional(), inbound: Points.optional(), advocacy: Points.optional() })
  .strict();
export type DutyPoints = z.infer<typeof DutyPoints>;

/** A card that costs now and pays in later rounds: `points` on `duty` in each of the next `rounds` rounds. */
export const Investment = z
  .object({
    duty: Duty,
    points: z
      .number()
      .int()
      .min(1, "an investment pays at least 1 point")
      .max(10, "an investment pays at most 10 points a round"),
    rounds: z
      .number()
      .int()
      .min(1, "an investment pays for at least 1 round")
      .max(6, "an investment pays for at most 6 rounds"),
  })
  .strict();
export type Investment = z.infer<typeof Investment>;

export const ActionCard = z
  .object({
    id: Id,
    role: Role,
    title: Title,
    text: Text,
    cost: z
      .number()
      .int("energy costs are whole numbers")
      .min(0, "a cost cannot be negative")
      .max(6, "a cost is at most 6"),
    points: DutyPoints,
    investment: Investment.optional(),
  })
  .strict();
export type ActionCard = z.infer<typeof ActionCard>;

/** Twists change a rule the engine enforces for one round; never flavour text alone. */
export const TwistEffect = z.discriminatedUnion("kind", [
  z
    .object({ kind: z.literal("roleFrozen"), role: Role })
    .strict()
    .describe("the role's cards cannot be played and its hat brings no energy"),
  z
    .object({ kind: z.literal("dutyAlsoCounts"), from: Duty, to: Duty })
    .strict()
    .describe("every point supplied to `from` also counts towards `to`"),
  z
    .object({ kind: z.literal("energyDelta"), delta: z.number().int().min(-3).max(3) })
    .strict()
    .describe("every energy budget changes by `delta` this round"),
  z
    .object({ kind: z.literal("dutyCostDelta"), duty: Duty, delta: z.number().int().min(-2).max(2) })
    .strict()
    .describe("cards with points on `duty` cost `delta` more (never below 0)"),
  z
    .object({ kind: z.literal("handoffMultiplier"), factor: z.number().int().min(0).max(3) })
    .strict()
    .describe("hand-off bonuses are multiplied by `factor`"),
]);
export type TwistEffect = z.infer<typeof TwistEffect>;

export const Twist = z
  .object({ title: Title, text: Text, effects: z.array(TwistEffect).min(1).max(3) })
  .strict();
export type Twist = z.infer<typeof Twist>;

export const ScenarioCard = z
  .object({
    id: Id,
    title: Title,
    situation: z
      .array(z.string().trim().min(1).max(140, "a situation line is at most 140 characters"))
      .length(2, "a situation is exactly two lines"),
    demands: z
      .object({ outbound: Points, inbound: Points, advocacy: Points })
      .strict()
      .describe("what the scenario demands of a standard team of four, per duty"),
    twist: Twist.optional(),
  })
  .strict();
export type ScenarioCard = z.infer<typeof ScenarioCard>;

/** One half of a hand-off: a named card, or any card with points on a duty (other than the other half). */
export const HandoffHalf = z.union([
  z.object({ card: Id }).strict(),
  z.object({ anyCardWithDuty: Duty }).strict(),
]);
export type HandoffHalf = z.infer<typeof HandoffHalf>;

export const Handoff = z
  .object({
    id: Id,
    title: Title,
    lesson: Text.describe("the argument from the seeds that this hand-off makes playable"),
    first: HandoffHalf,
    second: HandoffHalf,
    supply: DutyPoints.describe("extra duty points when both halves are played in the same round"),
    bonus: z
      .number()
      .int()
      .min(0)
      .max(30)
      .describe("score points when both halves are played in the same round"),
  })
  .strict();
export type Handoff = z.infer<typeof Handoff>;

export const Deck = z
  .object({
    $schema: z
      .string()
      .max(500)
      .optional()
      .describe("where editors find the deck schema, e.g. ./deck.schema.json"),
    name: Title,
    version: z.literal(1).describe("the deck file format version"),
    scenarios: z.array(ScenarioCard).min(1, "a deck needs at least one scenario"),
    actions: z.array(ActionCard).min(1, "a deck needs action cards"),
    handoffs: z.array(Handoff),
  })
  .strict();
export type Deck = z.infer<typeof Deck>;

export const BotStrategy = z.enum(["random", "role-only", "coordinated"]);
export type BotStrategy = z.infer<typeof BotStrategy>;

export const GameSettings = z
  .object({
    rounds: z.number().int().min(1).max(12).default(5),
    teamSize: z.number().int().min(1).max(8).default(4),
    handSize: z.number().int().min(2).max(8).default(5),
    energyPerRole: z.number().int().min(1).max(10).default(4),
    fillWithBots: z.boolean().default(true),
    botStrategy: BotStrategy.default("coordinated"),
  })
  .strict();
export type GameSettings = z.infer<typeof GameSettings>;
export type GameSettingsInput = z.input<typeof GameSettings>;
