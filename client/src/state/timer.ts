/**
 * The countdown every screen shows (the host board, the player's and the facilitator's pages):
 * the time left from the view's timer, moved onto the local clock, and when its text next changes.
 */
import type { RoomView } from "@boxless/shared/protocol/views";

/** m:ss, counting whole seconds up (a timer at 0.2 s left still shows 0:01). */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export interface TimerState {
  /** "Time left" or "Next round in". */
  label: string;
  time: string;
  paused: boolean;
  /** Under 10 s and running. */
  urgent: boolean;
  /** When the shown text changes next (ms from now), or null when it cannot change by itself. */
  nextChangeMs: number | null;
}

/** The countdown to show, or null when there is none. `clockOffset` is server minus local time. */
export function timerState(view: RoomView, clockOffset: number, now: number): TimerState | null {
  const timer = view.room.timer;
  if (!timer) return null;
  const label = timer.kind === "round" ? "Time left" : "Next round in";
  const paused = view.game.paused || timer.endsAt === null;
  const left = timer.endsAt === null || view.game.paused ? timer.leftMs : timer.endsAt - clockOffset - now;
  const running = !paused && left > 0;
  // The shown whole second changes when `left` crosses a multiple of 1000.
  const nextChangeMs = running ? (left % 1000 || 1000) + 15 : null;
  return { label, time: clock(left), paused, urgent: running && left <= 10_000, nextChangeMs };
}
