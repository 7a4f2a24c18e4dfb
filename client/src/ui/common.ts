/** Pieces every screen uses: the connection banner and the problem page. */
import type { GameConnection } from "../net/connection";
import { h, replace } from "./dom";

/** "Reconnecting…" while the socket is down; the connection comes back to the same seat by itself. */
export function statusBanner(connection: GameConnection): HTMLElement {
  const banner = h("div", { class: "status-banner", role: "status", "aria-live": "polite" });
  const update = () => {
    const text =
      connection.status === "reconnecting"
        ? "Reconnecting…"
        : connection.status === "ended" && connection.ended
          ? connection.ended.message
          : "";
    banner.textContent = text;
    banner.hidden = text === "";
  };
  connection.subscribe(update);
  update();
  return banner;
}

/** A screen that could not open says why and how to go on, never a blank page. */
export function showProblem(root: HTMLElement, message: string): void {
  replace(
    root,
    h(
      "main",
      { class: "page narrow" },
      h("h1", {}, "Boxless"),
      h("p", { class: "problem", role: "alert" }, message),
      h("p", {}, h("a", { href: "/" }, "Back to the start page")),
    ),
  );
}
