/**
 * What the Phaser board reads: the latest view from the server and the connection's state. The
 * network module (`GameConnection`) is one; scenes never talk to the socket themselves.
 */
import type { RoomView } from "@boxless/shared/protocol/views";

export type BoardStatus = "connecting" | "online" | "reconnecting" | "ended";

export interface BoardSource {
  /** The latest view, or null before the first one arrives. */
  readonly view: RoomView | null;
  /** Seats whose person has been gone for 10 s or more. */
  readonly away: readonly string[];
  readonly status: BoardStatus;
  /** Server clock minus the local clock, in ms: the timer ends at `view.room.timer.endsAt - clockOffset` locally. */
  readonly clockOffset: number;
  /** Calls `listener` after every change to the view, presence or status; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** Which board to draw: the projector's whole room, or one player's team strip on a phone. */
export type BoardMode = "host" | "player";
