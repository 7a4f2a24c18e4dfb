/**
 * The board's entry point, loaded on demand (the landing page never loads Phaser). The host screen
 * and the player screen each call `StartGame` once with the element to draw in; the scenes read
 * views from `source` and hold no game rules.
 */
import Phaser from "phaser";
import { INK } from "../theme";
import { BoardScene } from "./board-scene";
import type { BoardMode, BoardSource } from "./board-source";
import { type BoardContext, setBoardContext } from "./context";
import { Pacer } from "./pacer";
import { Boot } from "./scenes/Boot";
import { HostBoard } from "./scenes/HostBoard";
import { PlayerBoard } from "./scenes/PlayerBoard";
import { Preloader } from "./scenes/Preloader";

/** For end-to-end tests: what the board is doing, read from outside. */
export interface BoxlessBoardProbe {
  /** Game steps run so far (`game.loop.frame`): it stays put while the board idles. */
  frames(): number;
  /** Key of the running board scene ("HostBoard", "PlayerBoard"), or of the loading scene before it. */
  scene(): string;
  /** Every visible text and its font size in CSS pixels as displayed now. */
  texts(): { text: string; px: number }[];
  /** The phase of the view on screen, or null before the first view. */
  phase(): string | null;
}

declare global {
  interface Window {
    boxlessBoard?: BoxlessBoardProbe;
  }
}

const DESIGN = {
  host: { width: 1280, height: 720, minFontPx: 24, maxRenderScale: 2, background: INK.background },
  // Small on purpose: on a 360 px phone the strip is about 330 CSS px wide, so 16 design px show
  // at about 13 CSS px (a 720-wide design would shrink them to 7).
  player: { width: 400, height: 200, minFontPx: 16, maxRenderScale: 3, background: INK.panel },
} as const;

/** Canvas pixels per design unit: enough for the screen's real pixels, in steps of ½, from 1 up. */
function renderScaleFor(parent: HTMLElement, design: (typeof DESIGN)[BoardMode]): number {
  const rect = parent.getBoundingClientRect();
  const fit = Math.min(rect.width / design.width, rect.height / design.height) || 1;
  const pixels = fit * (window.devicePixelRatio || 1);
  return Math.min(design.maxRenderScale, Math.max(1, Math.ceil(pixels * 2 - 0.1) / 2));
}

export function StartGame(parent: HTMLElement, mode: BoardMode, source: BoardSource): Phaser.Game {
  const design = DESIGN[mode];
  const renderScale = renderScaleFor(parent, design);
  const game = new Phaser.Game({
    type: Phaser.AUTO,
    parent,
    backgroundColor: design.background,
    banner: false,
    scale: {
      mode: Phaser.Scale.FIT,
      autoCenter: Phaser.Scale.CENTER_BOTH,
      width: design.width * renderScale,
      height: design.height * renderScale,
      // The player's strip has its own CSS size; the host board fills the page.
      expandParent: mode === "host",
    },
    render: { antialias: true },
    input: { keyboard: false, gamepad: false },
    audio: { noAudio: true },
    scene: [Boot, Preloader, HostBoard, PlayerBoard],
  });
  const pacer = new Pacer(game);
  const context: BoardContext = {
    mode,
    source,
    pacer,
    design: { width: design.width, height: design.height },
    renderScale,
    minFontPx: design.minFontPx,
  };
  setBoardContext(game, context);

  // Resizes: Phaser checks its parent's size only while the loop runs, so wake it; when the screen
  // now has more or fewer pixels per design unit, change the canvas size to match.
  const resized = new ResizeObserver(() => {
    if (!game.isBooted) return;
    game.scale.dirty = true;
    const scale = renderScaleFor(parent, design);
    if (scale !== context.renderScale) {
      context.renderScale = scale;
      game.scale.setGameSize(design.width * scale, design.height * scale);
      for (const scene of game.scene.getScenes(true)) if (scene instanceof BoardScene) scene.onRenderScale();
    }
    pacer.request(3);
  });
  resized.observe(parent);
  game.events.once(Phaser.Core.Events.DESTROY, () => {
    resized.disconnect();
    pacer.destroy();
    if (window.boxlessBoard === probe) delete window.boxlessBoard;
  });

  const probe: BoxlessBoardProbe = {
    frames: () => game.loop.frame,
    scene: () => game.scene.getScenes(true)[0]?.scene.key ?? "",
    texts: () => visibleTexts(game, context),
    phase: () => source.view?.game.phase ?? null,
  };
  window.boxlessBoard = probe;
  return game;
}

function visibleTexts(game: Phaser.Game, context: BoardContext): { text: string; px: number }[] {
  // Displayed CSS pixels per design unit.
  const cssWidth = game.canvas.getBoundingClientRect().width;
  const cssPerUnit = cssWidth / context.design.width;
  const out: { text: string; px: number }[] = [];
  for (const scene of game.scene.getScenes(true))
    for (const object of scene.children.list)
      if (object instanceof Phaser.GameObjects.Text && object.visible && object.alpha > 0 && object.text) {
        const size = Number.parseFloat(String(object.style.fontSize));
        out.push({ text: object.text, px: Math.round(size * object.scaleY * cssPerUnit * 100) / 100 });
      }
  return out;
}
