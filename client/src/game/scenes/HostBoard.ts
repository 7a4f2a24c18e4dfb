/**
 * The projector's board: one drawing per phase (lobby, a round in play, the reveal, the end), each
 * readable from the back of a room (no text under 24 design px at 1280×720).
 */
import type { RoomView } from "@boxless/shared/protocol/views";
import { encode } from "uqr";
import { INK } from "../../theme";
import { BoardScene } from "../board-scene";
import { drawFinished } from "../host/finished";
import { H, type HostFrame, W } from "../host/frame";
import { drawLobby } from "../host/lobby";
import { drawReveal } from "../host/reveal";
import { drawRound } from "../host/round";

export class HostBoard extends BoardScene {
  private qrCache: { text: string; modules: boolean[][] } | null = null;

  constructor() {
    super("HostBoard");
  }

  protected draw(view: RoomView | null): void {
    if (!view) {
      this.paint.text("host.connecting", W / 2, H / 2, "Connecting…", {
        size: 32,
        colour: INK.muted,
        align: "center",
        valign: "middle",
      });
      return;
    }
    const frame: HostFrame = {
      paint: this.paint,
      view,
      away: new Set(this.board.source.away),
      timer: this.timer(view),
      flip: this.flip,
      setPages: (pages) => this.setPages(pages),
      qr: (text) => this.qr(text),
    };
    switch (view.game.phase) {
      case "lobby":
        drawLobby(frame);
        return;
      case "reporting":
      case "planning":
        drawRound(frame);
        return;
      case "revealed":
        drawReveal(frame);
        return;
      case "finished":
        drawFinished(frame);
        return;
    }
  }

  private qr(text: string): boolean[][] {
    if (this.qrCache?.text !== text)
      this.qrCache = { text, modules: encode(text, { ecc: "M", border: 4 }).data };
    return this.qrCache.modules;
  }
}
