/**
 * The landing page: join a game with a room code and a name, or set one up as a facilitator. It is
 * the first thing a phone on conference Wi-Fi loads, so it stays small: no Phaser, no rules engine.
 * Problems are said in place, next to the field at fault; nothing ends in a blank page.
 */
import { GameConnection, seatTokenKey } from "../net/connection";
import { paths } from "../routes";
import { h, replace } from "./dom";

/** Error codes that are about the room code rather than the name. */
const CODE_ERRORS = new Set(["room/not_found", "room/finished", "room/deleted", "room/join_limited"]);

export function showLanding(root: HTMLElement, code: string | null): void {
  document.title = code ? `Join ${code} · Boxless` : "Boxless · a workshop game";
  const codeInput = h("input", {
    id: "join-code",
    class: "code",
    type: "text",
    name: "code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: 16,
    required: true,
    "aria-describedby": "join-code-error",
    value: code ?? "",
  });
  const nameInput = h("input", {
    id: "join-name",
    type: "text",
    name: "name",
    autocomplete: "nickname",
    maxlength: 24,
    required: true,
    "aria-describedby": "join-name-hint join-name-error",
  });
  const codeError = h("p", { id: "join-code-error", class: "field-error", "aria-live": "polite" });
  const nameError = h("p", { id: "join-name-error", class: "field-error", "aria-live": "polite" });
  const formError = h("p", { class: "field-error", role: "alert" });
  const joinButton = h("button", { type: "submit", class: "primary" }, "Join");

  const back = code && localStorage.getItem(seatTokenKey(code));
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "join-title" },
    h("label", { for: "join-code" }, "Room code"),
    codeInput,
    codeError,
    h("label", { for: "join-name" }, "Your name"),
    nameInput,
    h("p", { id: "join-name-hint", class: "hint" }, "As your team should see it: up to 24 characters."),
    nameError,
    h("div", { class: "actions" }, joinButton),
    formError,
  );

  const hostSlot = h("div");
  const hostButton = h(
    "button",
    {
      type: "button",
      "aria-expanded": "false",
      onclick: async () => {
        hostButton.setAttribute("aria-expanded", "true");
        hostButton.hidden = true;
        const { showSetup } = await import("./setup");
        showSetup(hostSlot);
      },
    },
    "Set up a game",
  );

  replace(
    root,
    h(
      "main",
      { class: "page narrow" },
      h(
        "header",
        { class: "brand" },
        h("h1", {}, "Boxless"),
        h("p", {}, "Who covers outbound, inbound and advocacy? A team game about product roles."),
      ),
      back
        ? h(
            "p",
            { class: "notice" },
            "You already have a seat in this room on this device. ",
            h("a", { href: paths.play(code) }, "Back to your seat"),
          )
        : null,
      h("section", { class: "panel" }, h("h2", { id: "join-title" }, "Join a game"), form),
      h(
        "section",
        { class: "panel", "aria-labelledby": "host-title" },
        h("h2", { id: "host-title" }, "Host a game"),
        h(
          "p",
          {},
          "For the facilitator: choose a deck and the rounds, then put the host screen on the projector.",
        ),
        hostButton,
        hostSlot,
      ),
    ),
  );
  (code ? nameInput : codeInput).focus();

  // Start fetching the player screen while the person types.
  const preload = () => void import("./player");
  form.addEventListener("focusin", preload, { once: true });

  const clearErrors = () => {
    for (const [input, error] of [
      [codeInput, codeError],
      [nameInput, nameError],
    ] as const) {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
    }
    formError.textContent = "";
  };
  const fieldProblem = (input: HTMLInputElement, error: HTMLElement, message: string) => {
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const roomCode = codeInput.value.trim().toUpperCase();
    const name = nameInput.value.trim();
    if (!roomCode) return fieldProblem(codeInput, codeError, "Type the room code shown on the host screen.");
    if (!name) return fieldProblem(nameInput, nameError, "Type your name.");
    joinButton.disabled = true;
    joinButton.textContent = "Joining…";
    const connection = new GameConnection(location.origin, { storage: localStorage, room: roomCode });
    const timeout = setTimeout(() => {
      formError.textContent = "The server does not answer. Check your connection; still trying…";
    }, 8_000);
    const ack = await connection.join(roomCode, name);
    clearTimeout(timeout);
    formError.textContent = "";
    if (!ack.ok) {
      connection.close();
      joinButton.disabled = false;
      joinButton.textContent = "Join";
      const { code: errorCode, message } = ack.error;
      if (CODE_ERRORS.has(errorCode) || message.startsWith("code:"))
        return fieldProblem(codeInput, codeError, message.replace(/^code: /, ""));
      if (errorCode.startsWith("seat/") || message.startsWith("name:"))
        return fieldProblem(nameInput, nameError, message.replace(/^name: /, ""));
      formError.textContent = message;
      return;
    }
    history.pushState(null, "", paths.play(ack.data.session.code));
    const { showPlayer } = await import("./player");
    await showPlayer(root, ack.data.session.code, null, connection);
  });
}
