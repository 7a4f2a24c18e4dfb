/**
 * The lobby on the projector: how to join (room code, link, QR code) and who has joined which team.
 */
import { hex, INK } from "../../theme";
import { H, type HostFrame, M, SMALL, type TeamView, W } from "./frame";

const QR_SIZE = 350;
const TEAMS_TOP = 430;
const FOOTER = H - 24;
const NAME_ROW = 30;

export function drawLobby(f: HostFrame): void {
  const { paint, view } = f;
  const { links, code } = view.room;
  // Opened on the server's own machine (localhost), the link phones can reach is the network one.
  const joinLink = links.lanJoin ?? links.join;

  // The QR code, black on white with its quiet zone, top right.
  const modules = f.qr(joinLink);
  const count = modules.length || 1;
  const unit = Math.floor(QR_SIZE / count);
  const size = unit * count;
  const qx = W - M - size;
  const qy = M;
  paint.front.fillStyle(0xffffff, 1);
  paint.front.fillRect(qx, qy, size, size);
  paint.front.fillStyle(0x000000, 1);
  modules.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) paint.front.fillRect(qx + c * unit, qy + r * unit, unit, unit);
    });
  });
  paint.text("lobby.scan", qx + size / 2, qy + size + 10, "Scan to join", {
    size: SMALL,
    colour: INK.muted,
    align: "center",
  });

  // How to join, left of the QR code.
  const textWidth = qx - M - 40;
  paint.text("lobby.joinAt", M, M, "Join on your phone or laptop at", { size: 28, colour: INK.muted });
  const link = paint.text("lobby.link", M, M + 38, joinLink, {
    size: 36,
    bold: true,
    colour: INK.text,
    maxWidth: textWidth,
  });
  let y = M + 38 + link.height + 6;
  if (links.lanJoin && links.lanJoin !== links.join) {
    const lan = paint.text("lobby.lan", M, y, `On this machine: ${links.join}`, {
      size: 28,
      colour: INK.muted,
      maxWidth: textWidth,
    });
    y += lan.height + 6;
  }
  y += 18;
  paint.text("lobby.codeLabel", M, y, "Room code", { size: 28, colour: INK.muted });
  paint.text("lobby.code", M - 4, y + 30, code, {
    size: 128,
    bold: true,
    colour: INK.warn,
    maxWidth: textWidth,
  });

  drawTeams(f, view.game.teams);

  paint.text("lobby.waiting", W / 2, FOOTER, "Waiting for the facilitator to start", {
    size: 28,
    colour: INK.muted,
    align: "center",
    valign: "bottom",
  });
}

/** Team cards in a row along the bottom; more teams than fit flip in pages. */
function drawTeams(f: HostFrame, teams: TeamView[]): void {
  const { paint } = f;
  const people = teams.flatMap((t) => t.seats).filter((s) => !s.bot).length;
  const heading =
    people === 0 ? "Nobody has joined yet" : people === 1 ? "1 person joined" : `${people} people joined`;
  paint.text("lobby.teamsHeading", M, TEAMS_TOP, heading, { size: 28, bold: true });
  if (teams.length === 0) return;

  const perPage = 4;
  const pages = Math.ceil(teams.length / perPage);
  f.setPages(pages);
  const page = f.flip % pages;
  if (pages > 1)
    paint.text(
      "lobby.page",
      W - M,
      TEAMS_TOP + 2,
      `Teams ${page * perPage + 1}–${Math.min(teams.length, (page + 1) * perPage)} of ${teams.length}`,
      {
        size: SMALL,
        colour: INK.muted,
        align: "right",
      },
    );
  const shown = teams.slice(page * perPage, (page + 1) * perPage);
  const gap = 16;
  const cardWidth = (W - 2 * M - gap * (perPage - 1)) / perPage;
  const top = TEAMS_TOP + 44;
  const bottom = FOOTER - 44;
  const rows = Math.floor((bottom - top - 52) / NAME_ROW);
  shown.forEach((team, i) => {
    const x = M + i * (cardWidth + gap);
    paint.panel(x, top, cardWidth, bottom - top);
    paint.text(`lobby.team.${team.id}.name`, x + 16, top + 10, team.name, {
      size: 28,
      bold: true,
      maxWidth: cardWidth - 32,
    });
    paint.back.lineStyle(2, hex(INK.line), 1);
    paint.back.lineBetween(x + 16, top + 50, x + cardWidth - 16, top + 50);
    const seats = team.seats;
    if (seats.length === 0) {
      paint.text(`lobby.team.${team.id}.empty`, x + 16, top + 58, "No one yet", {
        size: SMALL,
        colour: INK.muted,
      });
      return;
    }
    const fits = seats.length <= rows ? seats.length : rows - 1;
    seats.slice(0, fits).forEach((seat, r) => {
      const away = f.away.has(seat.id);
      const suffix = seat.bot ? " (bot)" : away ? " (away)" : "";
      paint.text(
        `lobby.team.${team.id}.seat.${seat.id}`,
        x + 16,
        top + 58 + r * NAME_ROW,
        `${seat.name}${suffix}`,
        {
          size: SMALL,
          colour: seat.bot || away ? INK.muted : INK.text,
          maxWidth: cardWidth - 32,
        },
      );
    });
    if (fits < seats.length)
      paint.text(
        `lobby.team.${team.id}.more`,
        x + 16,
        top + 58 + fits * NAME_ROW,
        `and ${seats.length - fits} more`,
        {
          size: SMALL,
          colour: INK.muted,
        },
      );
  });
}
