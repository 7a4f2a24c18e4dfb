/**
 * The end of the game on the projector: the winner, then every team's round scores, final meters,
 * round total and final score (round total plus the mean of the final meters).
 */
import { DUTY_COLOUR, hex, INK } from "../../theme";
import { dutyIcon } from "../assets";
import { METERS } from "../format";
import { H, type HostFrame, header, M, meterLegend, SMALL, type TeamView, TOP, W } from "./frame";

const ROW = 46;
const RIGHT = W - M;
const METER_STEP = 84;
const COL = {
  rank: M + 34,
  name: M + 50,
  rounds: M + 330,
  roundWidth: 62,
  meters: RIGHT - 250,
  total: RIGHT - 140,
  final: RIGHT,
};

export function drawFinished(f: HostFrame): void {
  const { paint, view } = f;
  const { game } = view;
  header(f, "Final scores", `after ${game.rounds} round${game.rounds === 1 ? "" : "s"}`);
  const byId = new Map(game.teams.map((t) => [t.id, t]));
  const entries = game.leaderboard.filter((entry) => byId.has(entry.teamId));
  if (entries.length === 0) return;
  const finalOf = (entry: (typeof entries)[number]) => entry.final ?? entry.total;
  const best = Math.max(...entries.map(finalOf));
  const winners = entries.filter((entry) => finalOf(entry) === best);
  const names = winners.map((w) => w.name);
  const banner =
    names.length === 1
      ? `${names[0]} win with ${best}`
      : names.length <= 3
        ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)} tie with ${best}`
        : `${names.length} teams tie for first with ${best}`;
  paint.text("finished.banner", M, TOP, banner, {
    size: 44,
    bold: true,
    colour: INK.warn,
    maxWidth: W - 2 * M,
  });

  const headY = TOP + 74;
  const showRounds = game.rounds <= 6;
  paint.text("finished.head.team", COL.name, headY, "Team", { size: SMALL, colour: INK.muted });
  if (showRounds)
    for (let r = 1; r <= game.rounds; r++)
      paint.text(`finished.head.r${r}`, COL.rounds + r * COL.roundWidth, headY, `R${r}`, {
        size: SMALL,
        colour: INK.muted,
        align: "right",
      });
  const meterX = (i: number) => COL.meters - (METERS.length - 1 - i) * METER_STEP;
  METERS.forEach(({ meter, duty }, i) => {
    paint.icon(`finished.head.${meter}.icon`, dutyIcon(duty), meterX(i) - 14, headY, 28, DUTY_COLOUR[duty]);
  });
  paint.text("finished.head.total", COL.total, headY, "Rounds", {
    size: SMALL,
    colour: INK.muted,
    align: "right",
  });
  paint.text("finished.head.final", COL.final, headY, "Final", { size: SMALL, bold: true, align: "right" });

  const listTop = headY + 44;
  const footY = H - 16;
  const room = footY - 76 - listTop;
  const perPage = Math.floor(room / ROW);
  const pages = Math.ceil(entries.length / perPage);
  // Few teams get taller rows.
  const row = pages > 1 ? ROW : Math.min(64, Math.floor(room / entries.length));
  f.setPages(pages);
  const page = f.flip % pages;
  entries.slice(page * perPage, (page + 1) * perPage).forEach((entry, i) => {
    const team = byId.get(entry.teamId) as TeamView;
    const y = listTop + i * row + (row - ROW) / 2;
    const winner = finalOf(entry) === best;
    if (winner) {
      paint.back.fillStyle(hex(INK.warn), 0.14);
      paint.back.fillRoundedRect(M - 10, y - 6, W - 2 * M + 20, ROW - 4, 8);
      paint.back.lineStyle(2, hex(INK.warn), 1);
      paint.back.strokeRoundedRect(M - 10, y - 6, W - 2 * M + 20, ROW - 4, 8);
    }
    const key = `finished.${team.id}`;
    const rank = entries.findIndex((e) => finalOf(e) === finalOf(entry)) + 1;
    paint.text(`${key}.rank`, COL.rank, y, String(rank), { size: 28, bold: true, align: "right" });
    paint.text(`${key}.name`, COL.name, y + 2, team.name, {
      size: SMALL,
      bold: winner,
      colour: winner ? INK.warn : INK.text,
      maxWidth: (showRounds ? COL.rounds : meterX(0) - 40) - COL.name - 16,
    });
    if (showRounds)
      for (let r = 1; r <= game.rounds; r++) {
        const score = team.roundScores.find((s) => s.round === r);
        paint.text(
          `${key}.r${r}`,
          COL.rounds + r * COL.roundWidth,
          y + 2,
          score ? String(score.score) : "–",
          {
            size: SMALL,
            colour: INK.muted,
            align: "right",
          },
        );
      }
    METERS.forEach(({ meter }, m) => {
      paint.text(`${key}.${meter}`, meterX(m), y + 2, String(team.meters[meter]), {
        size: SMALL,
        align: "center",
      });
    });
    paint.text(`${key}.total`, COL.total, y + 2, String(entry.total), { size: SMALL, align: "right" });
    paint.text(`${key}.final`, COL.final, y - 2, String(finalOf(entry)), {
      size: 32,
      bold: true,
      align: "right",
    });
  });
  meterLegend(f, "finished.legend", M, footY - 64);
  const note =
    pages > 1
      ? `Final = rounds + mean of the final meters · page ${page + 1} of ${pages}`
      : "Final = rounds + mean of the final meters";
  paint.text("finished.note", M, footY, note, { size: SMALL, colour: INK.muted, valign: "bottom" });
}
