/** First scene: nothing to load before the Preloader can draw its progress bar, so it moves on. */
import Phaser from "phaser";

export class Boot extends Phaser.Scene {
  constructor() {
    super("Boot");
  }

  create(): void {
    this.scene.start("Preloader");
  }
}
