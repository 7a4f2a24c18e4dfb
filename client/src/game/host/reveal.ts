/**
 * The reveal on the projector. Left: the leaderboard, each team with its coverage per duty this
 * round (small bars), round score and total. Right: one team at a time in detail, so a facilitator
 * can explain its number: per duty the bar filling to its coverage, supply against demand, who
 * supplied it, what the hand-offs, twist and breadth factor added, what was missed or wasted; then
 * the hand-offs that fired, the round score and the meters after. The detail moves on to the next
 * team every PAGE_MS, in leaderboard order.
 */
import { DUTIES, METER_FOR } from "@boxless/shared/rules/names";
import { DUTY_COLOUR, hex, INK } from "../../theme";
import { dutyIcon } from "../assets";
import { currentScore, dutyStory, METERS, num, percent, signed } from "../format";
import { dutyLabel, H, type HostFrame, header, M, SMALL, type TeamView, TOP, W } from "./frame";

const BOARD = { x: M, width: 560 };
const DETAIL = { x: M + 560 + 24, y: TOP, width: W - M - (M + 560 + 24), height: H - 16 - TOP };
const ROW_TIGHT = 42;
const COLUMNS = {
  rank: 30,
  name: 42,
  nameWidth: 168,
  bars: 222,
  barWidth: 62,
  barGap: 10,
  round: 492,
  total: 560,
};

export function drawReveal(f: HostFrame): void {
  const { view } = f;
  const { game } = view;
  header(
    f,
    `Round ${game.round} of ${game.rounds}`,
    game.scenario ? `Results · ${game.scenario.title}` : "Results",
  );
  const byId = new Map(game.teams.map((t) => [t.id, t]));
  const ordered = game.leaderboard.map((entry) => byId.get(entry.teamId)).filter((t): t is TeamView => !!t);
  for (const team of game.teams) if (!ordered.includes(team)) ordered.push(team);
  if (ordered.length === 0) return;
  f.setPages(ordered.length);
  const focus = f.flip % ordered.length;
  drawLeaderboard(f, ordered, focus);
  const team = ordered[focus];
  if (team) drawDetail(f, team);
}

function drawLeaderboard(f: HostFrame, teams: TeamView[], focus: number): void {
  const { paint, view } = f;
  const { round } = view.game;
  const x = BOARD.x;
  const top = TOP;
  paint.text("reveal.lb.title", x, top, "Leaderboard", { size: 28, bold: true });
  DUTIES.forEach((duty, i) => {
    const cx = x + COLUMNS.bars + i * (COLUMNS.barWidth + COLUMNS.barGap) + COLUMNS.barWidth / 2;
    paint.icon(`reveal.lb.head.${duty}`, dutyIcon(duty), cx - 15, top + 2, 30, DUTY_COLOUR[duty]);
  });
  paint.text("reveal.lb.head.round", x + COLUMNS.round, top + 4, "Round", {
    size: SMALL,
    colour: INK.muted,
    align: "right",
  });
  paint.text("reveal.lb.head.total", x + COLUMNS.total, top + 4, "Total", {
    size: SMALL,
    colour: INK.muted,
    align: "right",
  });

  const listTop = top + 46;
  // Rows breathe when the whole board fits on one page anyway.
  const roomy = Math.floor((H - 16 - listTop) / 50) >= teams.length;
  const row = roomy ? 50 : ROW_TIGHT;
  const paged = !roomy && Math.floor((H - 16 - listTop) / row) < teams.length;
  // A line at the bottom says which teams are shown when they flip in pages.
  const perPage = Math.floor((H - 16 - listTop - (paged ? 34 : 0)) / row);
  const page = Math.floor(focus / perPage);
  const shown = teams.slice(page * perPage, (page + 1) * perPage);
  shown.forEach((team, i) => {
    const index = page * perPage + i;
    const rowTop = listTop + i * row;
    const y = rowTop + (row - 34) / 2;
    if (index === focus) {
      paint.back.fillStyle(hex(INK.panel), 1);
      paint.back.fillRoundedRect(x - 10, rowTop - 2, BOARD.width + 20, row - 4, 8);
      paint.back.lineStyle(2, hex(INK.muted), 1);
      paint.back.strokeRoundedRect(x - 10, rowTop - 2, BOARD.width + 20, row - 4, 8);
    }
    const key = `reveal.lb.${team.id}`;
    paint.text(`${key}.rank`, x + COLUMNS.rank, y, String(index + 1), {
      size: SMALL,
      bold: true,
      align: "right",
    });
    paint.text(`${key}.name`, x + COLUMNS.name, y, team.name, {
      size: SMALL,
      bold: index === focus,
      maxWidth: COLUMNS.nameWidth,
    });
    const score = currentScore(team, round);
    DUTIES.forEach((duty, d) => {
      const bx = x + COLUMNS.bars + d * (COLUMNS.barWidth + COLUMNS.barGap);
      paint.bar(
        `${key}.${round}.${duty}`,
        bx,
        y + 8,
        COLUMNS.barWidth,
        16,
        score?.coverage[duty] ?? 0,
        DUTY_COLOUR[duty],
        {
          animate: true,
          delay: 150 * d,
        },
      );
    });
    paint.text(`${key}.round`, x + COLUMNS.round, y, score ? signed(score.score) : "–", {
      size: SMALL,
      colour: INK.muted,
      align: "right",
    });
    paint.text(`${key}.total`, x + COLUMNS.total, y, String(team.total), {
      size: SMALL,
      bold: true,
      align: "right",
    });
  });
  if (paged)
    paint.text(
      "reveal.lb.page",
      x,
      H - 16,
      `Teams ${page * perPage + 1}–${Math.min(teams.length, (page + 1) * perPage)} of ${teams.length}, in turn`,
      { size: SMALL, colour: INK.muted, valign: "bottom" },
    );
}

function drawDetail(f: HostFrame, team: TeamView): void {
  const { paint, view } = f;
  const { round } = view.game;
  const { x, y, width, height } = DETAIL;
  paint.panel(x, y, width, height);
  const pad = 20;
  const inner = width - 2 * pad;
  const left = x + pad;
  const right = x + width - pad;
  const key = `reveal.detail.${team.id}.${round}`;
  const score = currentScore(team, round);

  const scoreText = paint.text(`${key}.score`, right, y + 8, score ? String(score.score) : "–", {
    size: 44,
    bold: true,
    align: "right",
  });
  const label = paint.text(`${key}.scoreLabel`, right - scoreText.width - 12, y + 22, "round score", {
    size: SMALL,
    colour: INK.muted,
    align: "right",
  });
  paint.text(`${key}.name`, left, y + 16, team.name, {
    size: 32,
    bold: true,
    maxWidth: right - scoreText.width - label.width - 36 - left,
  });
  if (!score) {
    paint.text(`${key}.none`, left, y + 80, "No score for this round", { size: SMALL, colour: INK.muted });
    return;
  }

  // Measure first, then spread what is left of the panel between the blocks.
  const line = paint.lineHeight(SMALL);
  const stories = DUTIES.map((duty) => {
    const story = dutyStory(score, duty, team);
    return {
      story,
      lines: story.parts.length ? paint.wrapParts(story.parts, inner, SMALL, 3) : ["nothing played"],
    };
  });
  const handoffs = score.handoffs.length
    ? paint.wrapParts(
        score.handoffs.map((h, n) => `${n === 0 ? "Hand-offs: " : ""}${h.title} ${signed(h.bonus)}`),
        inner,
        SMALL,
        2,
      )
    : ["No hand-offs fired this round"];
  const content =
    70 +
    stories.reduce((sum, s) => sum + 58 + s.lines.length * line + 10, 0) +
    10 +
    handoffs.length * line +
    12 +
    2 * line +
    12;
  const spare = Math.max(0, Math.min(24, (height - content - 16) / 5));
  let cy = y + 70 + spare;
  for (const [i, duty] of DUTIES.entries()) {
    const dkey = `${key}.${duty}`;
    const used = dutyLabel(paint, `${dkey}.label`, duty, left, cy, 26, 32);
    paint.text(
      `${dkey}.figures`,
      left + used + 16,
      cy + 2,
      `${num(score.supply[duty])} of ${num(score.demand[duty])}`,
      {
        size: SMALL,
      },
    );
    const pct = paint.text(`${dkey}.pct`, right, cy, percent(score.coverage[duty]), {
      size: 28,
      bold: true,
      colour: DUTY_COLOUR[duty],
      align: "right",
    });
    const { story, lines } = stories[i] as (typeof stories)[number];
    if (story.problem)
      paint.text(`${dkey}.problem`, right - pct.width - 16, cy + 2, story.problem.text, {
        size: SMALL,
        bold: true,
        colour: story.problem.kind === "gap" ? INK.bad : INK.warn,
        align: "right",
      });
    paint.bar(`${dkey}.bar`, left, cy + 38, inner, 16, score.coverage[duty], DUTY_COLOUR[duty], {
      animate: true,
      delay: 200 * i,
      trackColour: INK.background,
    });
    paint.text(`${dkey}.story`, left, cy + 58, lines.join("\n"), {
      size: SMALL,
      colour: story.parts.length ? INK.text : INK.muted,
    });
    cy += 58 + lines.length * line + 10 + spare;
  }

  paint.back.lineStyle(2, hex(INK.line), 1);
  paint.back.lineBetween(left, cy, right, cy);
  cy += 10;
  paint.text(`${key}.handoffs`, left, cy, handoffs.join("\n"), {
    size: SMALL,
    colour: score.handoffs.length ? INK.good : INK.muted,
  });
  cy += handoffs.length * line + 12 + spare;

  // Meters after the round, each under its duty's icon, with how much it moved.
  const deltas = new Map<string, number>();
  for (const l of score.lines) if (l.kind === "meter" && l.duty) deltas.set(METER_FOR[l.duty], l.points);
  const column = inner / METERS.length;
  METERS.forEach(({ meter, duty }, i) => {
    const mx = left + i * column;
    paint.icon(`${key}.meter.${meter}.icon`, dutyIcon(duty), mx, cy + 1, 26, DUTY_COLOUR[duty]);
    paint.text(`${key}.meter.${meter}.name`, mx + 32, cy, meter, { size: SMALL, colour: INK.muted });
    const value = paint.text(`${key}.meter.${meter}`, mx, cy + line + 2, String(score.metersAfter[meter]), {
      size: 28,
      bold: true,
    });
    const delta = deltas.get(meter) ?? 0;
    paint.text(`${key}.meter.${meter}.delta`, mx + value.width + 8, cy + line + 6, signed(delta), {
      size: SMALL,
      bold: true,
      colour: delta < 0 ? INK.bad : delta > 0 ? INK.good : INK.muted,
    });
  });
}
