import type { RoomView } from "@boxless/shared/protocol/views";
import type { RationaleLine, RoundScore } from "@boxless/shared/rules/state";
import { describe, expect, it } from "vitest";
import { clock, dutyStory, num, signed, timerState } from "./format";

type TeamView = RoomView["game"]["teams"][number];

const line = (l: Partial<RationaleLine> & Pick<RationaleLine, "kind" | "points">): RationaleLine => ({
  duty: "advocacy",
  seatId: null,
  cardId: null,
  text: "",
  ...l,
});

function viewWithTimer(timer: RoomView["room"]["timer"], paused = false): RoomView {
  return { room: { timer }, game: { paused } } as unknown as RoomView;
}

describe("clock", () => {
  it("counts whole seconds up, so a timer shows 0:00 only when it has run out", () => {
    expect(clock(120_000)).toBe("2:00");
    expect(clock(59_001)).toBe("1:00");
    expect(clock(200)).toBe("0:01");
    expect(clock(0)).toBe("0:00");
    expect(clock(-5_000)).toBe("0:00");
  });
});

describe("timerState", () => {
  const timer = { kind: "round" as const, round: 1, durationMs: 120_000, endsAt: 1_000_000, leftMs: 120_000 };

  it("counts down to the server's end time moved onto the local clock", () => {
    // Server clock 2 s ahead: it ends locally at 998 000.
    const state = timerState(viewWithTimer(timer), 2_000, 998_000 - 61_500);
    expect(state).toMatchObject({ label: "Time left", time: "1:02", paused: false, urgent: false });
    // The shown second changes when 61.5 s becomes 61 s left.
    expect(state?.nextChangeMs).toBe(500 + 15);
  });

  it("shows the frozen time while paused and never ticks", () => {
    const state = timerState(viewWithTimer({ ...timer, endsAt: null, leftMs: 42_000 }, true), 0, 0);
    expect(state).toMatchObject({ time: "0:42", paused: true, nextChangeMs: null });
  });

  it("calls the pause after a reveal by its name, and has nothing to show without a timer", () => {
    expect(timerState(viewWithTimer({ ...timer, kind: "advance" }), 0, 995_000)?.label).toBe("Next round in");
    expect(timerState(viewWithTimer(null), 0, 0)).toBeNull();
  });
});

describe("dutyStory", () => {
  const team = {
    seats: [
      { id: "s1", name: "Ana" },
      { id: "s2", name: "Bo" },
    ],
  } as unknown as TeamView;
  const score = (lines: RationaleLine[], breadthFactor = 1) =>
    ({ lines, breadthFactor }) as unknown as RoundScore;

  it("names each card with its seat and points, then what else changed the supply, then the gap", () => {
    const story = dutyStory(
      score(
        [
          line({
            kind: "card",
            points: 4,
            seatId: "s1",
            text: 'Ana played "Digest the forum" (CM): +4 advocacy',
          }),
          line({
            kind: "card",
            points: 2,
            seatId: "s2",
            text: 'Bo played "Answer tickets" (Support): +2 advocacy',
          }),
          line({ kind: "card", points: 2, seatId: "s1" }),
          line({ kind: "card", points: 3, seatId: "s1", duty: "outbound" }),
          line({ kind: "handoff", points: 1 }),
          line({ kind: "handoff", points: 7, duty: null }),
          line({ kind: "breadth", points: -1.35 }),
          line({ kind: "gap", points: -3.2 }),
        ],
        0.85,
      ),
      "advocacy",
      team,
    );
    expect(story.parts).toEqual([
      "Ana: Digest the forum +4",
      "Bo: Answer tickets +2",
      "Ana +2",
      "hand-offs +1",
      "breadth ×0.85 −1.4",
    ]);
    expect(story.problem).toEqual({ text: "short by 3.2", kind: "gap" });
  });

  it("reports waste, and names a seat that has left", () => {
    const story = dutyStory(
      score([line({ kind: "card", points: 5, seatId: "gone" }), line({ kind: "waste", points: -2 })]),
      "advocacy",
      team,
    );
    expect(story.parts).toEqual(["a former player +5"]);
    expect(story.problem).toEqual({ text: "waste −2", kind: "waste" });
  });
});

describe("numbers", () => {
  it("writes duty figures with at most one decimal and a real minus sign", () => {
    expect(num(12.75)).toBe("12.8");
    expect(num(7)).toBe("7");
    expect(signed(8)).toBe("+8");
    expect(signed(-2.5)).toBe("−2.5");
    expect(signed(0)).toBe("0");
  });
});
