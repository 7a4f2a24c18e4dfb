/**
 * Entry point. The screens (landing, lobby, host, player, facilitator) arrive with the browser
 * client; until then this page checks that the server answers and says what to do next.
 */
const statusLine = document.querySelector<HTMLParagraphElement>("#status");

async function check(): Promise<void> {
  if (!statusLine) return;
  try {
    const response = await fetch("/healthz");
    const health = (await response.json()) as { rooms: number; connectedPlayers: number };
    statusLine.textContent = `The server is running: ${health.rooms} room(s), ${health.connectedPlayers} player(s) connected. The game screens are being built; see docs/PROTOCOL.md to drive a game from a script.`;
  } catch {
    statusLine.textContent = "The server does not answer.";
  }
}

void check();

export {};
