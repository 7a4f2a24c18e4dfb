/**
 * The player's team strip at the top of the phone screen (the hand, buttons and rationale are HTML
 * below it). Planning: the scenario and its demands per duty. Reveal: the team's coverage bars
 * filling, its round score and hand-offs. End: the final score and rank. Visual and brief: the
 * design is 400×200 so that its smallest text (16) stays near 13 CSS px on a 360 px phone.
 */
import { DUTY_INFO } from "@boxless/shared/content/roles";
import type { RoomView } from "@boxless/shared/protocol/views";
import { DUTIES } from "@boxless/shared/rules/names";
import { DUTY_COLOUR, hex, INK } from "../../theme";
import { dutyIcon } from "../assets";
import { BoardScene } from "../board-scene";
import { currentScore, METERS, num, percent, signed } from "../format";

type TeamView = RoomView["game"]["teams"][number];

const W = 400;
const H = 200;
const PAD = 12;

export class PlayerBoard extends BoardScene {
  constructor() {
    super("PlayerBoard");
  }

  protected draw(view: RoomView | null): void {
    const { paint } = this;
    if (!view) {
      paint.text("player.connecting", W / 2, H / 2, "Connecting…", {
        size: 20,
        colour: INK.muted,
        align: "center",
        valign: "middle",
      });
      return;
    }
    const { game } = view;
    const team = game.teams.find((t) => t.id === view.me?.teamId);
    const phaseWord: Record<RoomView["game"]["phase"], string> = {
      lobby: "Lobby",
      reporting: "Reporting line",
      planning: "Planning",
      revealed: "Results",
      finished: "Game over",
    };
    const roundText =
      game.round > 0 && game.phase !== "finished" ? `Round ${game.round} of ${game.rounds} · ` : "";
    const status = paint.text(
      "player.status",
      PAD,
      8,
      `${roundText}${game.paused ? "Paused" : phaseWord[game.phase]}`,
      { size: 16, bold: game.paused, colour: game.paused ? INK.warn : INK.muted },
    );
    if (team)
      paint.text("player.team", W - PAD, 8, team.name, {
        size: 16,
        bold: true,
        align: "right",
        maxWidth: W - 3 * PAD - status.width,
      });

    if (!team) {
      this.centred(game.scenario?.title ?? "Waiting for a seat on a team", 22);
      return;
    }
    switch (game.phase) {
      case "lobby":
        this.lobby(team);
        return;
      case "reporting":
        if (game.scenario) this.planning(view, reportingStatus(team));
        else this.reporting(team, game.round);
        return;
      case "planning":
        this.planning(view, null);
        return;
      case "revealed":
        this.revealed(view, team);
        return;
      case "finished":
        this.finished(view, team);
        return;
    }
  }

  private centred(text: string, size: number, colour: string = INK.text): void {
    this.paint.text("player.centred", W / 2, H / 2 + 8, text, {
      size,
      bold: true,
      colour,
      align: "center",
      valign: "middle",
      wrap: W - 4 * PAD,
      maxLines: 3,
    });
  }

  private lobby(team: TeamView): void {
    const { paint } = this;
    paint.text("player.lobby.team", W / 2, 78, team.name, {
      size: 28,
      bold: true,
      align: "center",
      maxWidth: W - 2 * PAD,
    });
    paint.text("player.lobby.wait", W / 2, 124, "Waiting for the facilitator to start", {
      size: 18,
      colour: INK.muted,
      align: "center",
      maxWidth: W - 2 * PAD,
    });
  }

  private reporting(team: TeamView, round: number): void {
    const { paint } = this;
    paint.text(
      "player.reporting.q",
      PAD,
      36,
      round > 1 ? "Review: where does Community report?" : "Where does Community report?",
      {
        size: 22,
        bold: true,
        wrap: W - 2 * PAD,
        maxLines: 2,
      },
    );
    const decided = team.reportingDecided && team.reportsTo;
    const answer = decided
      ? `Your team chose ${team.reportsTo === "product" ? "Product" : "Marketing"}`
      : "Your team is deciding…";
    paint.text("player.reporting.a", PAD, 102, answer, {
      size: 20,
      bold: true,
      colour: decided ? INK.good : INK.warn,
    });
    paint.text(
      "player.reporting.why",
      PAD,
      136,
      "CM and Support sit with that side: hand-offs with it cost 1 less energy.",
      {
        size: 16,
        colour: INK.muted,
        wrap: W - 2 * PAD,
        maxLines: 2,
      },
    );
  }

  /** The scenario and its demands; `status` (the reporting decision) replaces the caption. */
  private planning(view: RoomView, status: { text: string; colour: string } | null): void {
    const { paint } = this;
    const scenario = view.game.scenario;
    if (!scenario) {
      this.centred("The scenario is being dealt", 20, INK.muted);
      return;
    }
    const titleSize = [24, 21, 18].find((s) => paint.measure(scenario.title, s, true) <= W - 2 * PAD) ?? 18;
    paint.text("player.plan.title", PAD, 30, scenario.title, {
      size: titleSize,
      bold: true,
      maxWidth: W - 2 * PAD,
    });
    const caption = status
      ? status
      : scenario.twist
        ? { text: `Twist: ${scenario.twist.title}`, colour: INK.warn }
        : { text: "Demands for a team of four", colour: INK.muted };
    paint.text("player.plan.caption", PAD, 60, caption.text, {
      size: 16,
      bold: caption.colour !== INK.muted,
      colour: caption.colour,
      maxWidth: W - 2 * PAD,
    });
    const gap = 8;
    const tileWidth = (W - 2 * PAD - 2 * gap) / 3;
    const top = 88;
    const height = H - PAD - top;
    DUTIES.forEach((duty, i) => {
      const x = PAD + i * (tileWidth + gap);
      const colour = DUTY_COLOUR[duty];
      paint.back.fillStyle(hex(INK.background), 1);
      paint.back.fillRoundedRect(x, top, tileWidth, height, 8);
      paint.back.fillStyle(hex(colour), 1);
      paint.back.fillRect(x, top, tileWidth, 4);
      paint.icon(`player.plan.${duty}.icon`, dutyIcon(duty), x + 6, top + 10, 24, colour);
      paint.text(`player.plan.${duty}.label`, x + 34, top + 12, DUTY_INFO[duty].label, {
        size: 16,
        bold: true,
        colour,
        maxWidth: tileWidth - 40,
      });
      paint.text(
        `player.plan.${duty}.value`,
        x + tileWidth / 2,
        top + height - 6,
        String(scenario.demands[duty]),
        {
          size: 44,
          bold: true,
          colour,
          align: "center",
          valign: "bottom",
        },
      );
    });
  }

  private revealed(view: RoomView, team: TeamView): void {
    const { paint } = this;
    const { round } = view.game;
    const score = currentScore(team, round);
    if (!score) {
      this.centred("No score for your team this round", 20, INK.muted);
      return;
    }
    const barsRight = 262;
    DUTIES.forEach((duty, i) => {
      const y = 34 + i * 54;
      const colour = DUTY_COLOUR[duty];
      paint.icon(`player.reveal.${duty}.icon`, dutyIcon(duty), PAD, y, 20, colour);
      paint.text(`player.reveal.${duty}.label`, PAD + 26, y, DUTY_INFO[duty].label, {
        size: 16,
        bold: true,
        colour,
      });
      paint.text(
        `player.reveal.${duty}.figures`,
        barsRight,
        y,
        `${num(score.supply[duty])}/${num(score.demand[duty])} · ${percent(score.coverage[duty])}`,
        { size: 16, align: "right" },
      );
      paint.bar(
        `player.reveal.${round}.${duty}`,
        PAD,
        y + 24,
        barsRight - PAD,
        16,
        score.coverage[duty],
        colour,
        {
          animate: true,
          delay: 200 * i,
          trackColour: INK.background,
        },
      );
    });
    const x = 282;
    const right = W - PAD;
    paint.back.lineStyle(2, hex(INK.line), 1);
    paint.back.lineBetween(x - 8, 36, x - 8, H - PAD);
    paint.text("player.reveal.scoreLabel", x, 34, "Round score", { size: 16, colour: INK.muted });
    paint.text("player.reveal.score", x, 54, String(score.score), { size: 48, bold: true });
    const bonus = score.handoffs.reduce((sum, h) => sum + h.bonus, 0);
    const handoffs =
      score.handoffs.length === 0
        ? "No hand-offs"
        : `${score.handoffs.length} hand-off${score.handoffs.length === 1 ? "" : "s"} ${signed(bonus)}`;
    paint.text("player.reveal.handoffs", x, 116, handoffs, {
      size: 16,
      bold: score.handoffs.length > 0,
      colour: score.handoffs.length ? INK.good : INK.muted,
      maxWidth: right - x,
    });
    const rank = view.game.leaderboard.findIndex((e) => e.teamId === team.id) + 1;
    paint.text("player.reveal.total", x, 142, `Total ${team.total}`, { size: 16, maxWidth: right - x });
    if (rank > 0)
      paint.text("player.reveal.rank", x, 166, `${ordinal(rank)} of ${view.game.leaderboard.length}`, {
        size: 16,
        colour: INK.muted,
        maxWidth: right - x,
      });
  }

  private finished(view: RoomView, team: TeamView): void {
    const { paint } = this;
    const board = view.game.leaderboard;
    const entry = board.find((e) => e.teamId === team.id);
    const finalOf = (e: (typeof board)[number]) => e.final ?? e.total;
    const mine = entry ? finalOf(entry) : team.total;
    const rank = board.filter((e) => finalOf(e) > mine).length + 1;
    const won = rank === 1;
    paint.text("player.end.label", PAD, 34, "Final score", { size: 16, colour: INK.muted });
    paint.text("player.end.score", PAD, 52, String(mine), {
      size: 64,
      bold: true,
      colour: won ? INK.warn : INK.text,
    });
    paint.text(
      "player.end.rank",
      W - PAD,
      40,
      won ? "Your team wins!" : `${ordinal(rank)} of ${board.length}`,
      {
        size: 24,
        bold: true,
        colour: won ? INK.warn : INK.text,
        align: "right",
      },
    );
    paint.text("player.end.rounds", W - PAD, 76, `rounds ${team.total}`, {
      size: 16,
      colour: INK.muted,
      align: "right",
    });
    // Final meters along the bottom.
    const y = H - PAD - 24;
    const step = (W - 2 * PAD) / 3;
    METERS.forEach(({ meter, duty }, i) => {
      const x = PAD + i * step;
      paint.icon(`player.end.${meter}.icon`, dutyIcon(duty), x, y, 22, DUTY_COLOUR[duty]);
      paint.text(`player.end.${meter}`, x + 28, y + 1, `${meter} ${team.meters[meter]}`, {
        size: 16,
        maxWidth: step - 34,
      });
    });
  }
}

function reportingStatus(team: TeamView): { text: string; colour: string } {
  if (team.reportingDecided && team.reportsTo)
    return {
      text: `Community reports to ${team.reportsTo === "product" ? "Product" : "Marketing"}`,
      colour: INK.good,
    };
  return { text: "Where does Community report? Your team is deciding…", colour: INK.warn };
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
