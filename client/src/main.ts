/**
 * Entry point: picks the screen for the address. The landing page (host or join) is in this first
 * chunk and loads no Phaser, so a phone on weak Wi-Fi can join at once; every other screen, and
 * the game engine, loads on demand.
 */
import "./ui/styles.css";
import { parseRoute } from "./routes";
import { applyTheme } from "./theme";
import { showProblem } from "./ui/common";
import { showLanding } from "./ui/landing";

async function open(root: HTMLElement): Promise<void> {
  const route = parseRoute(location.pathname, location.hash);
  switch (route.screen) {
    case "landing":
      return showLanding(root, route.code);
    case "play":
      return (await import("./ui/player")).showPlayer(root, route.code, null);
    case "seat":
      return (await import("./ui/player")).showPlayer(root, route.code, route.token);
    case "host":
      return (await import("./ui/host")).showHost(root, route.code);
    case "facilitate":
      return (await import("./ui/facilitator")).showFacilitator(root, route.code, route.token);
  }
}

const root = document.getElementById("app");
if (root) {
  applyTheme(document.documentElement);
  open(root).catch((error: unknown) => {
    console.error(error);
    showProblem(root, "Something went wrong while opening this page. Reload to try again.");
  });
}
