/**
 * Loads the board's art with a progress bar, waits for the board's web font (so text is never
 * measured in a fallback font and then redrawn), and starts the board for this mode.
 */
import Phaser from "phaser";
import { FONT_FAMILY, hex, INK } from "../../theme";
import { SVG_ASSETS } from "../assets";
import { boardContext, boardSceneKey } from "../context";

/** Give up waiting for the font after this long and draw with the fallback. */
const FONT_TIMEOUT_MS = 3_000;

async function fontsReady(): Promise<void> {
  if (!("fonts" in document)) return;
  const family = FONT_FAMILY.split(",")[0] ?? FONT_FAMILY;
  const loads = Promise.all([
    document.fonts.load(`24px ${family}`),
    document.fonts.load(`bold 24px ${family}`),
  ]);
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, FONT_TIMEOUT_MS));
  await Promise.race([loads.then(() => undefined), timeout]).catch(() => undefined);
}

export class Preloader extends Phaser.Scene {
  constructor() {
    super("Preloader");
  }

  init(): void {
    const board = boardContext(this);
    const { width, height } = board.design;
    this.cameras.main.setZoom(board.renderScale).centerOn(width / 2, height / 2);
    const barWidth = Math.round(width * 0.5);
    const barHeight = Math.max(12, Math.round(height / 40));
    const x = (width - barWidth) / 2;
    const y = (height - barHeight) / 2;
    this.add.rectangle(x, y, barWidth, barHeight, hex(INK.line)).setOrigin(0, 0);
    const fill = this.add.rectangle(x, y, barWidth, barHeight, hex(INK.good)).setOrigin(0, 0);
    fill.scaleX = 0;
    this.load.on(Phaser.Loader.Events.PROGRESS, (progress: number) => {
      fill.scaleX = progress;
    });
  }

  preload(): void {
    for (const asset of SVG_ASSETS)
      this.load.svg(asset.key, asset.url, { width: asset.width, height: asset.height });
  }

  create(): void {
    const board = boardContext(this);
    void fontsReady().then(() => this.scene.start(boardSceneKey(board.mode)));
  }
}
