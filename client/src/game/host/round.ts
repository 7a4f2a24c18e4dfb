/**
 * A round in play on the projector (the reporting decision and planning): the scenario card on the
 * left, the teams on the right with who has locked in (never what they chose) and who is away.
 */
import { DUTY_INFO } from "@boxless/shared/content/roles";
import { DUTIES } from "@boxless/shared/rules/names";
import type { ScenarioCard } from "@boxless/shared/rules/vocabulary";
import { DUTY_COLOUR, hex, INK } from "../../theme";
import {
  dutyIcon,
  SCENARIO_FRAME,
  SCENARIO_FRAME_BAND,
  SCENARIO_FRAME_SCALE,
  SCENARIO_FRAME_SLICES,
} from "../assets";
import {
  H,
  type HostFrame,
  header,
  M,
  meterLegend,
  meters,
  SMALL,
  seatChip,
  type TeamView,
  TOP,
  W,
} from "./frame";

const CARD = { x: M, y: TOP, width: 640, height: H - TOP - 16 };
const TEAMS = { x: M + 640 + 24, y: TOP, width: W - M - (M + 640 + 24), bottom: H - 16 };

export function drawRound(f: HostFrame): void {
  const { view, paint } = f;
  const { game } = view;
  const seats = game.teams.flatMap((t) => t.seats).filter((s) => !s.waiting);
  const locked = seats.filter((s) => s.locked).length;
  const reporting = game.phase === "reporting";
  const subtitle = reporting
    ? game.round > 1
      ? "Review: where does Community report?"
      : "Where does Community report?"
    : `Planning · ${locked} of ${seats.length} locked in`;
  header(f, game.round > 0 ? `Round ${game.round} of ${game.rounds}` : "Getting ready", subtitle);

  if (game.scenario) drawScenario(f, game.scenario);
  else {
    paint.panel(CARD.x, CARD.y, CARD.width, CARD.height);
    paint.text(
      "round.noScenario",
      CARD.x + CARD.width / 2,
      CARD.y + CARD.height / 2,
      "The scenario is dealt when planning starts",
      {
        size: 28,
        colour: INK.muted,
        align: "center",
        valign: "middle",
        wrap: CARD.width - 80,
      },
    );
  }
  const top = reporting ? TEAMS.y + drawReportingQuestion(f) : TEAMS.y;
  drawTeams(f, game.teams, reporting, top);
}

/** The scenario card: title, situation, twist, demands per duty. */
function drawScenario(f: HostFrame, scenario: ScenarioCard): void {
  const { paint } = f;
  const { x, y, width, height } = CARD;
  paint.frame("round.frame", SCENARIO_FRAME, CARD, SCENARIO_FRAME_SLICES, SCENARIO_FRAME_SCALE);
  // Clear of the frame's corner brackets (view-box x 30–46 from each side).
  const pad = 50;
  const inner = width - 2 * pad;
  const left = x + pad;
  // Title in the frame's band: as large as fits on one line.
  const titleSize = [34, 30, 26].find((s) => paint.measure(scenario.title, s, true) <= inner) ?? 26;
  paint.text("round.title", left, y + 14 + (SCENARIO_FRAME_BAND - 14) / 2, scenario.title, {
    size: titleSize,
    bold: true,
    valign: "middle",
    maxWidth: inner,
  });

  // Demands along the bottom: icon and number, the duty's name under them.
  const demandsTop = y + height - 28 - 118;
  paint.back.lineStyle(2, hex(INK.line), 1);
  paint.back.lineBetween(left, demandsTop - 12, left + inner, demandsTop - 12);
  paint.text("round.demandsLabel", left, demandsTop, "Demands for a team of four", {
    size: SMALL,
    colour: INK.muted,
  });
  const column = inner / 3;
  DUTIES.forEach((duty, i) => {
    const cx = left + i * column;
    const colour = DUTY_COLOUR[duty];
    paint.icon(`round.demand.${duty}.icon`, dutyIcon(duty), cx, demandsTop + 40, 40, colour);
    paint.text(`round.demand.${duty}.value`, cx + 50, demandsTop + 60, String(scenario.demands[duty]), {
      size: 48,
      bold: true,
      colour,
      valign: "middle",
    });
    paint.text(`round.demand.${duty}.label`, cx, demandsTop + 88, DUTY_INFO[duty].label, {
      size: SMALL,
      bold: true,
      colour,
    });
  });

  // Situation and twist in between, as large as fits (24–28); at 24 the situation gives up lines
  // first when both do not fit.
  const top = y + SCENARIO_FRAME_BAND + 22;
  const bottom = demandsTop - 28;
  const situationText = scenario.situation.join(" ");
  const twistTitle = (size: number) =>
    scenario.twist ? paint.wrap(`Twist: ${scenario.twist.title}`, inner - 24, size, true, 2) : [];
  const fits = (size: number) => {
    const line = paint.lineHeight(size);
    const twist = scenario.twist
      ? (twistTitle(size).length + paint.wrap(scenario.twist.text, inner - 24, size).length) * line + 24 + 16
      : 0;
    return paint.wrap(situationText, inner, size).length * line + twist <= bottom - top;
  };
  const size = [28, 26].find(fits) ?? SMALL;
  const line = paint.lineHeight(size);
  const twistText = scenario.twist ? paint.wrap(scenario.twist.text, inner - 24, size) : [];
  const twistHeight = scenario.twist ? (twistTitle(size).length + twistText.length) * line + 24 : 0;
  const gap = scenario.twist ? 16 : 0;
  const situationLines = Math.max(2, Math.floor((bottom - top - twistHeight - gap) / line));
  const situation = paint.wrap(situationText, inner, size, false, situationLines);
  const text = paint.text("round.situation", left, top, situation.join("\n"), { size });
  if (!scenario.twist) return;
  const ty = top + text.height + gap;
  const titleLines = twistTitle(size);
  const twistLines = Math.max(1, Math.floor((bottom - ty - 24) / line) - titleLines.length);
  const title = paint.text("round.twistTitle", left + 12, ty + 12, titleLines.join("\n"), {
    size,
    bold: true,
    colour: INK.warn,
  });
  const body = paint.text(
    "round.twist",
    left + 12,
    ty + 12 + title.height,
    paint.wrap(scenario.twist.text, inner - 24, size, false, twistLines).join("\n"),
    { size },
  );
  const boxHeight = title.height + body.height + 24;
  paint.back.fillStyle(hex(INK.warn), 0.12);
  paint.back.fillRoundedRect(left - 10, ty, inner + 20, boxHeight, 10);
  paint.back.fillStyle(hex(INK.warn), 1);
  paint.back.fillRect(left - 10, ty, 6, boxHeight);
}

/** During the reporting decision: what the two answers mean, above the teams; returns the height used. */
function drawReportingQuestion(f: HostFrame): number {
  const { paint } = f;
  const text =
    "Community (CM and Support) reports to Product or to Marketing: hand-offs with that side cost 1 less energy.";
  const lines = paint.wrap(text, TEAMS.width - 32, SMALL, false, 3);
  const question = paint.text("round.question", TEAMS.x + 16, TEAMS.y + 10, lines.join("\n"), {
    size: SMALL,
  });
  const height = question.height + 20;
  paint.panel(TEAMS.x, TEAMS.y, TEAMS.width, height, INK.panel, INK.muted);
  return height + 14;
}

const COMPACT_ROW = 40;

/** Teams on the right: full cards when few, one row each when many; pages flip when they overflow. */
function drawTeams(f: HostFrame, teams: TeamView[], reporting: boolean, top: number): void {
  const { paint } = f;
  const compact = teams.length > 6;
  // Compact rows show no meters, so they need no legend.
  const legendWidth = compact ? 0 : meterLegend(f, "round.legend", TEAMS.x, top);
  const listTop = compact ? top + 40 : top + 44;
  const available = TEAMS.bottom - listTop;
  const heights = teams.map((team) => (compact ? COMPACT_ROW : cardHeight(team)));
  const pages = paginate(heights, available, compact ? 0 : 12);
  f.setPages(pages.length);
  const page = pages[f.flip % pages.length] ?? [];
  const first = (page[0] ?? 0) + 1;
  const last = (page.at(-1) ?? 0) + 1;
  const label =
    pages.length > 1 ? `Teams ${first}–${last} of ${teams.length}` : compact ? `${teams.length} teams` : "";
  if (label && paint.measure(label, SMALL) < TEAMS.width - legendWidth - 12)
    paint.text("round.page", TEAMS.x + TEAMS.width, top, label, {
      size: SMALL,
      colour: INK.muted,
      align: "right",
    });
  if (compact)
    paint.text("round.compactHead", TEAMS.x, top, reporting ? "Reporting decision" : "Locked in", {
      size: SMALL,
      colour: INK.muted,
    });
  let y = listTop;
  for (const index of page) {
    const team = teams[index];
    if (!team) continue;
    if (compact) compactRow(f, team, y, reporting);
    else teamCard(f, team, y, reporting);
    y += (heights[index] ?? 0) + (compact ? 0 : 12);
  }
}

/** Indexes of the items on each page, filling pages in order. */
function paginate(heights: number[], available: number, gap: number): number[][] {
  const pages: number[][] = [[]];
  let used = 0;
  heights.forEach((height, i) => {
    const current = pages[pages.length - 1] as number[];
    if (current.length > 0 && used + gap + height > available) {
      pages.push([i]);
      used = height;
    } else {
      used += (current.length > 0 ? gap : 0) + height;
      current.push(i);
    }
  });
  return pages;
}

const SEAT_ROW = 34;
const cardHeight = (team: TeamView) => 56 + Math.max(1, Math.ceil(team.seats.length / 2)) * SEAT_ROW + 10;

function reportingText(team: TeamView, reporting: boolean): { text: string; colour: string } {
  if (reporting && !team.reportingDecided) return { text: "deciding…", colour: INK.muted };
  if (!team.reportsTo) return { text: "", colour: INK.muted };
  return { text: team.reportsTo === "product" ? "→ Product" : "→ Marketing", colour: INK.good };
}

function teamCard(f: HostFrame, team: TeamView, y: number, reporting: boolean): void {
  const { paint } = f;
  const { x, width } = TEAMS;
  const height = cardHeight(team);
  paint.panel(x, y, width, height);
  const metersLeft = meters(f, `round.team.${team.id}.meters`, team.meters, x + width - 16, y + 12);
  const side = reportingText(team, reporting);
  const sideWidth = side.text ? paint.measure(side.text, SMALL, true) + 16 : 0;
  const name = paint.text(`round.team.${team.id}.name`, x + 16, y + 10, team.name, {
    size: 28,
    bold: true,
    maxWidth: metersLeft - x - 32 - sideWidth,
  });
  if (side.text)
    paint.text(`round.team.${team.id}.side`, x + 16 + name.width + 14, y + 14, side.text, {
      size: SMALL,
      bold: true,
      colour: side.colour,
    });
  const columnWidth = (width - 32) / 2;
  team.seats.forEach((seat, i) => {
    const sx = x + 16 + (i % 2) * columnWidth;
    const sy = y + 52 + Math.floor(i / 2) * SEAT_ROW;
    seatChip(f, `round.team.${team.id}.seat.${seat.id}`, seat, sx, sy, columnWidth - 12, !reporting);
  });
  if (team.seats.length === 0)
    paint.text(`round.team.${team.id}.empty`, x + 16, y + 52, "No seats", { size: SMALL, colour: INK.muted });
}

/** One line per team: name, then one check per seat and the count locked in (planning) or the decision (reporting). */
function compactRow(f: HostFrame, team: TeamView, y: number, reporting: boolean): void {
  const { paint } = f;
  const { x, width } = TEAMS;
  const active = team.seats.filter((s) => !s.waiting);
  const locked = active.filter((s) => s.locked).length;
  const away = active.filter((s) => f.away.has(s.id)).length;
  paint.back.lineStyle(1, hex(INK.line), 1);
  paint.back.lineBetween(x, y + COMPACT_ROW - 2, x + width, y + COMPACT_ROW - 2);
  const checksWidth = reporting ? 0 : active.length * 28;
  const side = reportingText(team, reporting);
  const countText = reporting ? side.text : `${locked}/${active.length}${away ? ` · ${away} away` : ""}`;
  const count = paint.text(`round.row.${team.id}.count`, x + width, y + 5, countText, {
    size: SMALL,
    colour: reporting ? side.colour : away ? INK.warn : INK.muted,
    align: "right",
  });
  const checksLeft = x + width - count.width - 16 - checksWidth;
  if (!reporting)
    active.forEach((seat, i) => {
      paint.check(checksLeft + i * 28 + 12, y + 18, 11, seat.locked);
    });
  paint.text(`round.row.${team.id}.name`, x, y + 4, team.name, {
    size: SMALL,
    bold: true,
    maxWidth: checksLeft - x - 16,
  });
}
