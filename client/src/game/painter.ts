/**
 * Retained drawing for board scenes. A scene redraws its whole board from the latest view on every
 * change, calling `text`, `icon`, `bar`… with a stable key for each thing it shows; the painter
 * reuses the object drawn under that key last time (so an unchanged text is not re-rendered and a
 * filling bar keeps its tween), and destroys what was not drawn again. Shapes without state go to
 * two Graphics layers that are cleared on every redraw.
 */
import Phaser from "phaser";
import { FONT_FAMILY, hex, INK } from "../theme";
import type { BoardContext } from "./context";

export interface TextOptions {
  /** Font size in design units. */
  size: number;
  bold?: boolean;
  colour?: string;
  /** Which point of the text `x` names. */
  align?: "left" | "center" | "right";
  /** Which point of the text `y` names. */
  valign?: "top" | "middle" | "bottom";
  /** One line, cut with an ellipsis to this width. */
  maxWidth?: number;
  /** Wrap at this width (with `maxLines`, the last line is cut with an ellipsis). */
  wrap?: number;
  maxLines?: number;
  alpha?: number;
}

export interface BarOptions {
  /** Fill from empty when first drawn (and tween to a new value when it changes). */
  animate?: boolean;
  delay?: number;
  duration?: number;
  trackColour?: string;
}

type Drawn =
  | Phaser.GameObjects.Text
  | Phaser.GameObjects.Image
  | Phaser.GameObjects.Rectangle
  | Phaser.GameObjects.NineSlice;

const DEPTH = { frame: -1, back: 0, bar: 1, front: 2, icon: 3, text: 4 } as const;

export class Painter {
  /** Shapes behind bars and text (panels, tracks). */
  readonly back: Phaser.GameObjects.Graphics;
  /** Shapes above bars (markers, checks, the QR code). */
  readonly front: Phaser.GameObjects.Graphics;
  private readonly drawn = new Map<string, Drawn>();
  private readonly signatures = new Map<string, string>();
  private readonly barTargets = new Map<string, number>();
  private used = new Set<string>();
  private readonly lineHeights = new Map<string, number>();
  private readonly measurer = document.createElement("canvas").getContext("2d");

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly context: BoardContext,
  ) {
    this.back = scene.add.graphics().setDepth(DEPTH.back);
    this.front = scene.add.graphics().setDepth(DEPTH.front);
  }

  begin(): void {
    this.used = new Set();
    this.back.clear();
    this.front.clear();
  }

  /** Destroys everything not drawn since `begin`. */
  end(): void {
    for (const [key, object] of this.drawn) {
      if (this.used.has(key)) continue;
      this.scene.tweens.killTweensOf(object);
      object.destroy();
      this.drawn.delete(key);
      this.signatures.delete(key);
      this.barTargets.delete(key);
    }
  }

  /** Text objects re-render at a new resolution (after the render scale changed). */
  setResolution(resolution: number): void {
    for (const object of this.drawn.values())
      if (object instanceof Phaser.GameObjects.Text) object.setResolution(resolution);
  }

  // ─── text ─────────────────────────────────────────────────────────────────

  /** Width of one line of text in design units. */
  measure(content: string, size: number, bold = false): number {
    if (!this.measurer) return content.length * size * 0.55;
    this.measurer.font = `${bold ? "bold " : ""}${size}px ${FONT_FAMILY}`;
    return this.measurer.measureText(content).width;
  }

  /** Height of one line of text (what each extra line of a multi-line text adds). */
  lineHeight(size: number, bold = false): number {
    const key = `${size}:${bold}`;
    let height = this.lineHeights.get(key);
    if (height === undefined) {
      const probe = this.scene.add.text(0, 0, "Mg", {
        fontFamily: FONT_FAMILY,
        fontSize: `${size}px`,
        fontStyle: bold ? "bold" : "normal",
      });
      height = probe.height;
      probe.destroy();
      this.lineHeights.set(key, height);
    }
    return height;
  }

  /**
   * Parts joined with " · ", wrapped at `width` between parts (a part longer than a line wraps at
   * its spaces), at most `maxLines`.
   */
  wrapParts(parts: readonly string[], width: number, size: number, maxLines = Number.POSITIVE_INFINITY) {
    const lines: string[] = [];
    let line = "";
    for (const part of parts) {
      const candidate = line ? `${line} · ${part}` : part;
      if (this.measure(candidate, size) <= width) line = candidate;
      else if (!line) {
        const wrapped = this.wrap(part, width, size);
        lines.push(...wrapped.slice(0, -1));
        line = wrapped.at(-1) ?? "";
      } else {
        lines.push(line);
        line = part;
      }
    }
    if (line) lines.push(line);
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = this.fit(`${kept[maxLines - 1]} · ${lines[maxLines]}`, width, size);
    return kept;
  }

  /** `content` cut with an ellipsis to fit `width`. */
  fit(content: string, width: number, size: number, bold = false): string {
    if (this.measure(content, size, bold) <= width) return content;
    let low = 0;
    let high = content.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.measure(`${content.slice(0, mid).trimEnd()}…`, size, bold) <= width) low = mid;
      else high = mid - 1;
    }
    return `${content.slice(0, low).trimEnd()}…`;
  }

  /** Lines of `content` wrapped at `width`, at most `maxLines` (the last one cut with an ellipsis). */
  wrap(content: string, width: number, size: number, bold = false, maxLines = Number.POSITIVE_INFINITY) {
    const lines: string[] = [];
    for (const paragraph of content.split("\n")) {
      let line = "";
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (!line || this.measure(candidate, size, bold) <= width) line = candidate;
        else {
          lines.push(line);
          line = word;
        }
      }
      lines.push(line);
    }
    const fitted = lines.map((line) => this.fit(line, width, size, bold));
    if (fitted.length <= maxLines) return fitted;
    const kept = fitted.slice(0, maxLines);
    // Greedy wrapping ended the last kept line because the next word did not fit: adding it back
    // makes `fit` cut the line with an ellipsis.
    let last = this.fit(`${kept[maxLines - 1]} ${fitted[maxLines]}`, width, size, bold);
    if (!last.endsWith("…")) last = `${last}…`;
    kept[maxLines - 1] = last;
    return kept;
  }

  text(key: string, x: number, y: number, content: string, options: TextOptions): Phaser.GameObjects.Text {
    const { size, bold = false } = options;
    if (size < this.context.minFontPx)
      console.warn(`board: text "${content}" at ${size} px is below ${this.context.minFontPx} px`);
    let value = content;
    if (options.wrap !== undefined)
      value = this.wrap(content, options.wrap, size, bold, options.maxLines).join("\n");
    else if (options.maxWidth !== undefined) value = this.fit(content, options.maxWidth, size, bold);
    const align = options.align ?? "left";
    const style: Phaser.Types.GameObjects.Text.TextStyle = {
      fontFamily: FONT_FAMILY,
      fontSize: `${size}px`,
      fontStyle: bold ? "bold" : "normal",
      color: options.colour ?? INK.text,
      align,
      resolution: this.context.renderScale,
    };
    const signature = JSON.stringify(style);
    let text = this.drawn.get(key);
    if (!(text instanceof Phaser.GameObjects.Text)) {
      text?.destroy();
      text = this.scene.add.text(x, y, value, style).setDepth(DEPTH.text);
      this.drawn.set(key, text);
      this.signatures.set(key, signature);
    } else {
      if (this.signatures.get(key) !== signature) {
        text.setStyle(style);
        this.signatures.set(key, signature);
      }
      text.setText(value);
    }
    const originX = align === "left" ? 0 : align === "center" ? 0.5 : 1;
    const valign = options.valign ?? "top";
    const originY = valign === "top" ? 0 : valign === "middle" ? 0.5 : 1;
    text
      .setOrigin(originX, originY)
      .setPosition(x, y)
      .setAlpha(options.alpha ?? 1);
    this.used.add(key);
    return text;
  }

  // ─── images ───────────────────────────────────────────────────────────────

  /**
   * A square icon, `size` wide, its top-left corner at (x, y), tinted with `colour`. Draws a
   * coloured dot instead when the texture did not load.
   */
  icon(key: string, texture: string, x: number, y: number, size: number, colour?: string): void {
    if (!this.scene.textures.exists(texture)) {
      this.back.fillStyle(colour ? hex(colour) : 0xffffff, 1);
      this.back.fillCircle(x + size / 2, y + size / 2, size * 0.35);
      return;
    }
    let image = this.drawn.get(key);
    if (!(image instanceof Phaser.GameObjects.Image)) {
      image?.destroy();
      image = this.scene.add.image(x, y, texture).setDepth(DEPTH.icon).setOrigin(0, 0);
      this.drawn.set(key, image);
    } else if (image.texture.key !== texture) image.setTexture(texture);
    image.setPosition(x, y).setDisplaySize(size, size);
    if (colour) image.setTint(hex(colour));
    else image.clearTint();
    this.used.add(key);
  }

  /**
   * A nine-slice frame stretched to `width`×`height` (texture rasterised at `scale` times its view
   * box; `slices` in view-box units). Falls back to a rounded panel where nine-slices cannot draw.
   */
  frame(
    key: string,
    texture: string,
    rect: { x: number; y: number; width: number; height: number },
    slices: { left: number; right: number; top: number; bottom: number },
    scale: number,
  ): void {
    const canNineSlice =
      this.scene.textures.exists(texture) && this.scene.game.renderer.type === Phaser.WEBGL;
    if (!canNineSlice) {
      this.panel(rect.x, rect.y, rect.width, rect.height);
      return;
    }
    let frame = this.drawn.get(key);
    const width = rect.width * scale;
    const height = rect.height * scale;
    if (!(frame instanceof Phaser.GameObjects.NineSlice)) {
      frame?.destroy();
      frame = this.scene.add
        .nineslice(
          rect.x,
          rect.y,
          texture,
          undefined,
          width,
          height,
          slices.left * scale,
          slices.right * scale,
          slices.top * scale,
          slices.bottom * scale,
        )
        .setDepth(DEPTH.frame)
        .setOrigin(0, 0)
        .setScale(1 / scale);
      this.drawn.set(key, frame);
    } else if (frame.width !== width || frame.height !== height) frame.setSize(width, height);
    frame.setPosition(rect.x, rect.y);
    this.used.add(key);
  }

  // ─── shapes ───────────────────────────────────────────────────────────────

  /** A rounded panel on the back layer. */
  panel(
    x: number,
    y: number,
    width: number,
    height: number,
    fill: string = INK.panel,
    line: string = INK.line,
  ) {
    this.back.fillStyle(hex(fill), 1);
    this.back.fillRoundedRect(x, y, width, height, 12);
    this.back.lineStyle(2, hex(line), 1);
    this.back.strokeRoundedRect(x, y, width, height, 12);
  }

  /**
   * A horizontal bar `fraction` (0..1) full. With `animate`, it fills from empty the first time it
   * is drawn under `key`, and slides to a new value when the value changes.
   */
  bar(
    key: string,
    x: number,
    y: number,
    width: number,
    height: number,
    fraction: number,
    colour: string,
    options: BarOptions = {},
  ): void {
    const target = Math.max(0, Math.min(1, fraction));
    this.back.fillStyle(hex(options.trackColour ?? INK.line), 1);
    this.back.fillRect(x, y, width, height);
    let fill = this.drawn.get(key);
    const fresh = !(fill instanceof Phaser.GameObjects.Rectangle);
    if (!(fill instanceof Phaser.GameObjects.Rectangle)) {
      fill?.destroy();
      fill = this.scene.add.rectangle(x, y, width, height, hex(colour)).setOrigin(0, 0).setDepth(DEPTH.bar);
      fill.scaleX = options.animate ? 0 : target;
      this.drawn.set(key, fill);
    }
    if (fill.width !== width || fill.height !== height) fill.setSize(width, height);
    fill.setPosition(x, y).setFillStyle(hex(colour), 1);
    const previous = this.barTargets.get(key);
    if (options.animate && (fresh || previous !== target)) {
      this.scene.tweens.killTweensOf(fill);
      this.scene.tweens.add({
        targets: fill,
        scaleX: target,
        duration: options.duration ?? 1100,
        delay: options.delay ?? 0,
        ease: "Cubic.easeOut",
      });
      this.context.pacer.request();
    } else if (!options.animate) {
      this.scene.tweens.killTweensOf(fill);
      fill.scaleX = target;
    }
    this.barTargets.set(key, target);
    this.used.add(key);
  }

  /** A round check mark: filled green when `done`, an empty ring when not. */
  check(cx: number, cy: number, radius: number, done: boolean): void {
    const g = this.front;
    if (done) {
      g.fillStyle(hex(INK.good), 1);
      g.fillCircle(cx, cy, radius);
      g.lineStyle(Math.max(3, radius * 0.28), hex(INK.background), 1);
      g.beginPath();
      g.moveTo(cx - radius * 0.5, cy + radius * 0.02);
      g.lineTo(cx - radius * 0.12, cy + radius * 0.42);
      g.lineTo(cx + radius * 0.52, cy - radius * 0.38);
      g.strokePath();
    } else {
      g.lineStyle(3, hex(INK.muted), 1);
      g.strokeCircle(cx, cy, radius - 1.5);
    }
  }
}
