/**
 * Keeps the game loop asleep when nothing moves, so an idle board costs no frames: phones stay
 * cool and a small machine can run several browsers. The loop runs while a scene asks for frames
 * (`request`, after a redraw) or a tween is alive in any running scene, and sleeps after the last
 * frame has been drawn. A hidden tab never wakes the loop; it catches up once visible again.
 */
import Phaser from "phaser";

export class Pacer {
  /** Frames still to draw before the loop may sleep. */
  private wanted = 0;
  /** False until a board scene is up: scene changes and loading need the loop running. */
  private sleepAllowed = false;
  private hidden = typeof document !== "undefined" && document.hidden;
  private readonly onVisibility = () => {
    this.hidden = document.hidden;
    if (this.hidden) this.game.loop.sleep();
    else this.request(2);
  };

  constructor(private readonly game: Phaser.Game) {
    game.events.on(Phaser.Core.Events.POST_RENDER, this.afterFrame, this);
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  /**
   * Draw at least `frames` more frames, waking the loop when it sleeps (a redraw needs one: the
   * woken loop draws it at once, before the browser shows the page again).
   */
  request(frames = 1): void {
    this.wanted = Math.max(this.wanted, frames);
    const loop = this.game.loop;
    if (this.hidden || !loop.started || loop.running) return;
    loop.wake();
  }

  /** From now on the loop may sleep when idle (called once the board scene is drawn). */
  allowSleep(): void {
    this.sleepAllowed = true;
    this.request(2);
  }

  /** Whether the loop is running (false while asleep). */
  get awake(): boolean {
    return this.game.loop.running;
  }

  private afterFrame(): void {
    if (this.wanted > 0) this.wanted--;
    if (this.sleepAllowed && this.wanted === 0 && !this.moving()) this.game.loop.sleep();
  }

  /** A tween alive (running, delayed or about to start) in any active scene. */
  private moving(): boolean {
    for (const scene of this.game.scene.getScenes(true)) if (scene.tweens.tweens.length > 0) return true;
    return false;
  }

  destroy(): void {
    this.game.events.off(Phaser.Core.Events.POST_RENDER, this.afterFrame, this);
    document.removeEventListener("visibilitychange", this.onVisibility);
  }
}
