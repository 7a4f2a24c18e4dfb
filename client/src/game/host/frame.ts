/**
 * The host board's shared pieces: the frame each phase draws into, the header with the round and
 * the timer, and small parts (duty labels, meters, seats) that several phases show.
 */

import { DUTY_INFO } from "@boxless/shared/content/roles";
import type { RoomView } from "@boxless/shared/protocol/views";
import type { Duty } from "@boxless/shared/rules/vocabulary";
import { DUTY_COLOUR, hex, INK, ROLE_COLOUR } from "../../theme";
import { dutyIcon, roleIcon } from "../assets";
import { METERS, type TimerState } from "../format";
import type { Painter } from "../painter";

export type TeamView = RoomView["game"]["teams"][number];
export type SeatView = TeamView["seats"][number];

export const W = 1280;
export const H = 720;
/** Outer margin. */
export const M = 32;
/** Where content starts below the header. */
export const TOP = 100;
/** The smallest text on the projector. */
export const SMALL = 24;

export interface HostFrame {
  paint: Painter;
  view: RoomView;
  /** Seats whose person has been gone a while. */
  away: ReadonlySet<string>;
  timer: TimerState | null;
  /** Page flips since the phase began. */
  flip: number;
  setPages(pages: number): void;
  /** The QR code of `text` as modules (true = dark), quiet zone included. */
  qr(text: string): boolean[][];
}

/** The header: the round (or a title) on the left, what is happening next to it, the timer on the right. */
export function header(f: HostFrame, title: string, subtitle: string): void {
  const { paint, timer } = f;
  paint.text("header.title", M, 22, title, { size: 36, bold: true });
  let right = W - M;
  if (timer) {
    const colour = timer.paused ? INK.muted : timer.urgent ? INK.bad : INK.text;
    const time = paint.text("header.time", right, 16, timer.time, {
      size: 48,
      bold: true,
      colour,
      align: "right",
    });
    right -= time.width + 16;
    const label = timer.paused ? "Paused" : timer.label;
    const labelText = paint.text("header.timerLabel", right, 30, label, {
      size: timer.paused ? 28 : SMALL,
      bold: timer.paused,
      colour: timer.paused ? INK.warn : INK.muted,
      align: "right",
    });
    right -= labelText.width + 24;
  } else if (f.view.game.paused) {
    const paused = paint.text("header.paused", right, 26, "Paused", {
      size: 32,
      bold: true,
      colour: INK.warn,
      align: "right",
    });
    right -= paused.width + 24;
  }
  const x = M + paint.measure(title, 36, true) + 24;
  if (subtitle && right - x > 80)
    paint.text("header.subtitle", x, 28, subtitle, { size: 28, colour: INK.muted, maxWidth: right - x });
  paint.back.lineStyle(2, hex(INK.line), 1);
  paint.back.lineBetween(M, 84, W - M, 84);
}

/** Duty icon and label in the duty's colour; returns the width used. */
export function dutyLabel(
  paint: Painter,
  key: string,
  duty: Duty,
  x: number,
  y: number,
  size: number,
  iconSize = size + 8,
): number {
  const colour = DUTY_COLOUR[duty];
  paint.icon(`${key}.icon`, dutyIcon(duty), x, y + (size * 1.25 - iconSize) / 2, iconSize, colour);
  const label = paint.text(`${key}.label`, x + iconSize + 8, y, DUTY_INFO[duty].label, {
    size,
    bold: true,
    colour,
  });
  return iconSize + 8 + label.width;
}

/**
 * A seat: lock-in check (while planning), role icons, name, and "away" or "next round" when so;
 * fits in `width`.
 */
export function seatChip(
  f: HostFrame,
  key: string,
  seat: SeatView,
  x: number,
  y: number,
  width: number,
  showLock: boolean,
): void {
  const { paint } = f;
  const size = SMALL;
  const rowMid = y + 16;
  if (showLock) paint.check(x + 13, rowMid, 13, seat.locked);
  let cx = showLock ? x + 34 : x;
  for (const role of seat.roles) {
    paint.icon(`${key}.role.${role}`, roleIcon(role), cx, rowMid - 13, 26, ROLE_COLOUR[role]);
    cx += 30;
  }
  const away = f.away.has(seat.id);
  // Bots are named "Bot …" by the engine; a person who picked such a name still shows the tag.
  const tag = away
    ? "away"
    : seat.waiting
      ? "next round"
      : seat.bot && !/^bot\b/i.test(seat.name)
        ? "bot"
        : "";
  const tagWidth = tag ? paint.measure(tag, size) + 10 : 0;
  const name = paint.text(`${key}.name`, cx + 4, y + 1, seat.name, {
    size,
    colour: away || seat.waiting ? INK.muted : INK.text,
    maxWidth: Math.max(40, x + width - cx - 4 - tagWidth),
  });
  if (tag)
    paint.text(`${key}.tag`, cx + 4 + name.width + 10, y + 1, tag, {
      size,
      colour: away ? INK.warn : INK.muted,
    });
}

/** The three meters, each with its duty's icon and colour, right-aligned at `right`; returns the left edge. */
export function meters(
  f: HostFrame,
  key: string,
  values: TeamView["meters"],
  right: number,
  y: number,
  deltas?: TeamView["meters"],
): number {
  const { paint } = f;
  let x = right;
  for (const { meter, duty } of [...METERS].reverse()) {
    const value = String(values[meter]);
    const text = paint.text(`${key}.${meter}`, x, y, value, { size: SMALL, bold: true, align: "right" });
    x -= text.width + 6;
    if (deltas) {
      const delta = deltas[meter];
      const sign = delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : "±0";
      const d = paint.text(`${key}.${meter}.delta`, x, y, `(${sign})`, {
        size: SMALL,
        colour: delta < 0 ? INK.bad : delta > 0 ? INK.good : INK.muted,
        align: "right",
      });
      x -= d.width + 6;
    }
    paint.icon(`${key}.${meter}.icon`, dutyIcon(duty), x - 26, y + 2, 26, DUTY_COLOUR[duty]);
    x -= 26 + 18;
  }
  return x;
}

/** "Meters: ♥ trust  📣 awareness  ⚙ fit" — what the meter icons mean, at (x, y); returns the width. */
export function meterLegend(f: HostFrame, key: string, x: number, y: number): number {
  const { paint } = f;
  let cx = x;
  const lead = paint.text(`${key}.lead`, cx, y, "Meters:", { size: SMALL, colour: INK.muted });
  cx += lead.width + 10;
  for (const { meter, duty } of METERS) {
    paint.icon(`${key}.${meter}.icon`, dutyIcon(duty), cx, y + 2, 26, DUTY_COLOUR[duty]);
    cx += 30;
    const label = paint.text(`${key}.${meter}`, cx, y, meter, { size: SMALL, colour: INK.muted });
    cx += label.width + 16;
  }
  return cx - x;
}
