/**
 * What every scene of one board shares: the source of views, which board to draw, the pacer that
 * wakes and idles the loop, and the render scale. It lives in the game's registry (one per game),
 * so two boards on one page never share anything.
 */
import type Phaser from "phaser";
import type { BoardMode, BoardSource } from "./board-source";
import type { Pacer } from "./pacer";

export interface BoardContext {
  mode: BoardMode;
  source: BoardSource;
  pacer: Pacer;
  /** Design size of the board: every scene lays out in these units. */
  design: { width: number; height: number };
  /** Canvas pixels per design unit (above 1 on big or dense screens, for sharp text). */
  renderScale: number;
  /** The smallest font size allowed, in design units. */
  minFontPx: number;
}

const KEY = "boxless.board";

export function setBoardContext(game: Phaser.Game, context: BoardContext): void {
  game.registry.set(KEY, context);
}

export function boardContext(scene: Phaser.Scene): BoardContext {
  const context = scene.registry.get(KEY) as BoardContext | undefined;
  if (!context) throw new Error("the board context is set by StartGame before any scene runs");
  return context;
}

/** The scene that draws a board of this mode. */
export const boardSceneKey = (mode: BoardMode) => (mode === "host" ? "HostBoard" : "PlayerBoard");
