/**
 * What both boards share: draw the latest view on every change of the source, count the timer
 * down (one redraw a second, only while it runs), flip pages when there are more teams than fit,
 * and let the loop sleep in between. Subclasses only say what to draw.
 */
import type { RoomView } from "@boxless/shared/protocol/views";
import Phaser from "phaser";
import { type BoardContext, boardContext } from "./context";
import { type TimerState, timerState } from "./format";
import { Painter } from "./painter";

/** How long a page of teams stays up before the next one. */
export const PAGE_MS = 10_000;

export abstract class BoardScene extends Phaser.Scene {
  protected board!: BoardContext;
  protected paint!: Painter;
  /** Counts page flips since the phase began; each board uses it modulo its own page count. */
  protected flip = 0;
  private pages = 1;
  private unsubscribe: (() => void) | null = null;
  private tickTimeout: ReturnType<typeof setTimeout> | null = null;
  private flipTimeout: ReturnType<typeof setTimeout> | null = null;
  private shownPhase = "";
  private readonly onVisibility = () => {
    if (!document.hidden) this.redraw();
  };

  create(): void {
    this.board = boardContext(this);
    this.paint = new Painter(this, this.board);
    this.fitCamera();
    this.unsubscribe = this.board.source.subscribe(() => this.redraw());
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.teardown());
    this.events.once(Phaser.Scenes.Events.DESTROY, () => this.teardown());
    document.addEventListener("visibilitychange", this.onVisibility);
    this.redraw();
    this.board.pacer.allowSleep();
  }

  /** Shows the design area (`board.design`) on the whole canvas at the current render scale. */
  fitCamera(): void {
    const { width, height } = this.board.design;
    this.cameras.main.setZoom(this.board.renderScale).centerOn(width / 2, height / 2);
  }

  /** After the render scale changed: sharper or lighter text, and a camera that fits again. */
  onRenderScale(): void {
    this.fitCamera();
    this.paint.setResolution(this.board.renderScale);
    this.redraw();
  }

  /** Draw the whole board from the latest view. */
  redraw(): void {
    const view = this.board.source.view;
    const phaseKey = view ? `${view.game.phase}:${view.game.round}` : "none";
    if (phaseKey !== this.shownPhase) {
      // A new phase starts on its first page, with a full PAGE_MS before the next.
      this.shownPhase = phaseKey;
      this.flip = 0;
      if (this.flipTimeout) clearTimeout(this.flipTimeout);
      this.flipTimeout = null;
    }
    this.pages = 1;
    this.paint.begin();
    this.draw(view);
    this.paint.end();
    this.scheduleTick(view);
    this.scheduleFlip();
    this.board.pacer.request();
  }

  protected abstract draw(view: RoomView | null): void;

  /** Called by `draw`: the current layout has this many pages, flipped every PAGE_MS. */
  protected setPages(pages: number): void {
    this.pages = Math.max(1, pages);
  }

  protected timer(view: RoomView): TimerState | null {
    return timerState(view, this.board.source.clockOffset, Date.now());
  }

  /** While a countdown runs, redraw when its shown second changes (not in a hidden tab: it redraws when shown). */
  private scheduleTick(view: RoomView | null): void {
    if (this.tickTimeout) clearTimeout(this.tickTimeout);
    this.tickTimeout = null;
    if (document.hidden) return;
    const next = view ? this.timer(view)?.nextChangeMs : null;
    if (next == null) return;
    this.tickTimeout = setTimeout(() => {
      this.tickTimeout = null;
      this.redraw();
    }, next);
  }

  private scheduleFlip(): void {
    if (this.pages <= 1 || document.hidden) {
      if (this.flipTimeout) clearTimeout(this.flipTimeout);
      this.flipTimeout = null;
      return;
    }
    if (this.flipTimeout) return;
    this.flipTimeout = setTimeout(() => {
      this.flipTimeout = null;
      this.flip++;
      this.redraw();
    }, PAGE_MS);
  }

  private teardown(): void {
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.tickTimeout) clearTimeout(this.tickTimeout);
    if (this.flipTimeout) clearTimeout(this.flipTimeout);
    this.tickTimeout = null;
    this.flipTimeout = null;
  }
}
