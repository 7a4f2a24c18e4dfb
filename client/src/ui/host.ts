/**
 * The host screen, for the projector: the whole page is the Phaser board. A visually hidden live
 * region says the same things in words for screen readers (round, timer state, who has locked in).
 */
import type { RoomView } from "@boxless/shared/protocol/views";
import { GameConnection } from "../net/connection";
import { showProblem, statusBanner } from "./common";
import { h, replace } from "./dom";

export async function showHost(root: HTMLElement, code: string): Promise<void> {
  document.title = `Boxless · host screen · ${code}`;
  document.body.classList.add("host-page");
  const connection = new GameConnection(location.origin, { storage: localStorage, room: code });
  const board = h("div", { class: "board", id: "board", role: "img", "aria-label": "Game board" });
  const words = h("div", { class: "visually-hidden", "aria-live": "polite" });
  replace(
    root,
    h("h1", { class: "visually-hidden" }, `Boxless host screen, room ${code}`),
    board,
    words,
    statusBanner(connection),
  );

  const ack = await connection.watch(code);
  if (!ack.ok) {
    connection.close();
    showProblem(root, ack.error.message);
    return;
  }
  connection.subscribe(() => {
    if (connection.view) words.textContent = describe(connection.view);
  });
  words.textContent = describe(ack.data.session.view);
  const { StartGame } = await import("../game/start");
  StartGame(board, "host", connection);
}

function describe(view: RoomView): string {
  const { game } = view;
  if (game.phase === "lobby") {
    const people = game.teams.flatMap((t) => t.seats).filter((s) => !s.bot).length;
    return `Room ${view.room.code}. Join at ${view.room.links.join}. ${people} joined so far.`;
  }
  if (game.phase === "finished")
    return `Game over. ${game.leaderboard.map((t, i) => `${i + 1}. ${t.name}: ${t.final ?? t.total}`).join(", ")}.`;
  const locked = game.teams.flatMap((t) => t.seats).filter((s) => s.locked).length;
  const seats = game.teams.flatMap((t) => t.seats).filter((s) => !s.waiting).length;
  const scenario = game.scenario ? `${game.scenario.title}. ` : "";
  return `Round ${game.round} of ${game.rounds}, ${game.phase}. ${scenario}${locked} of ${seats} seats locked in.`;
}
