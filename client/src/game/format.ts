/**
 * How the board writes numbers, times and rationale. Presentation only: every figure comes from the
 * view as it is; nothing here recomputes a score.
 */
import type { RoomView } from "@boxless/shared/protocol/views";
import { DUTIES, METER_FOR } from "@boxless/shared/rules/names";
import type { RationaleLine, RoundScore } from "@boxless/shared/rules/state";
import type { Duty } from "@boxless/shared/rules/vocabulary";

type TeamView = RoomView["game"]["teams"][number];

/** A duty figure: whole numbers as they are, others with one decimal ("12.8"). */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** A signed figure: "+8", "−2", "0". */
export function signed(value: number): string {
  if (value > 0) return `+${num(value)}`;
  if (value < 0) return `−${num(-value)}`;
  return "0";
}

export const percent = (fraction: number) => `${Math.round(fraction * 100)} %`;

export { clock, type TimerState, timerState } from "../state/timer";

/** The round score a reveal shows: the team's score for the current round, if it has one. */
export function currentScore(team: TeamView, round: number): RoundScore | undefined {
  const last = team.roundScores.at(-1);
  return last && last.round === round ? last : undefined;
}

export interface DutyStory {
  /** Where the supply came from, as short parts: "Ana: Five user interviews +3", "hand-offs +3", "breadth ×0.85 −2.2". */
  parts: string[];
  /** "short by 3.2" or "2 wasted: −2", when either happened. */
  problem: { text: string; kind: "gap" | "waste" } | null;
}

/**
 * The rationale of one duty, shortened for a big screen: each card with its seat and points, then the
 * hand-offs, investments, twists and breadth factor that changed the supply, then the gap or waste.
 * Every part is a sum of the score's own rationale lines.
 */
export function dutyStory(score: RoundScore, duty: Duty, team: TeamView): DutyStory {
  const lines = score.lines.filter((line) => line.duty === duty);
  const name = (seatId: string | null) => team.seats.find((s) => s.id === seatId)?.name ?? "a former player";
  // One part per card played: seat, card and points. The card's title is the one the rules quote
  // in the line's own sentence (`Ana played "Five user interviews" (PM): +3 inbound`).
  const parts = lines
    .filter((line) => line.kind === "card")
    .map((line) => {
      const title = /"([^"]+)"/.exec(line.text)?.[1];
      return title
        ? `${name(line.seatId)}: ${title} ${signed(line.points)}`
        : `${name(line.seatId)} ${signed(line.points)}`;
    });
  const total = (kind: RationaleLine["kind"]) =>
    lines.filter((line) => line.kind === kind).reduce((sum, line) => sum + line.points, 0);
  const has = (kind: RationaleLine["kind"]) => lines.some((line) => line.kind === kind);
  if (has("investment")) parts.push(`investments ${signed(total("investment"))}`);
  if (has("handoff")) parts.push(`hand-offs ${signed(total("handoff"))}`);
  if (has("twist")) parts.push(`twist ${signed(total("twist"))}`);
  if (has("breadth")) parts.push(`breadth ×${score.breadthFactor} ${signed(total("breadth"))}`);
  let problem: DutyStory["problem"] = null;
  if (has("gap")) problem = { text: `short by ${num(-total("gap"))}`, kind: "gap" };
  else if (has("waste")) problem = { text: `waste ${signed(total("waste"))}`, kind: "waste" };
  return { parts, problem };
}

/** The three meters in duty order, each with the duty it follows (from the rules' own table). */
export const METERS = DUTIES.map((duty) => ({ duty, meter: METER_FOR[duty] }));
