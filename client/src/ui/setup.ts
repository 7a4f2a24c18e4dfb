/**
 * The facilitator's set-up form: deck (built-in or a deck file, checked before anything is
 * created), rounds, timer, team size and bots. Creating the room keeps the facilitator token in
 * this browser's storage and opens the lobby; the secret never sits in the address bar.
 */
import type { CreateRoomResponse } from "@boxless/shared/protocol/http";
import { MAX_DECK_BYTES } from "@boxless/shared/protocol/limits";
import { facilitatorTokenKey } from "../net/connection";
import { paths } from "../routes";
import { h, replace } from "./dom";

interface Problem {
  path: string;
  message: string;
}

function numberField(id: string, label: string, value: number, min: number, max: number, hint: string) {
  return [
    h("label", { for: id }, label),
    h("input", {
      id,
      name: id,
      type: "number",
      inputmode: "numeric",
      min,
      max,
      step: 1,
      value,
      required: true,
    }),
    h("p", { class: "hint" }, hint),
  ];
}

function selectField(id: string, label: string, options: [string, string][], selected: string) {
  return [
    h("label", { for: id }, label),
    h(
      "select",
      { id, name: id },
      ...options.map(([value, text]) => h("option", { value, selected: value === selected }, text)),
    ),
  ];
}

export function showSetup(slot: HTMLElement): void {
  let deck: unknown;
  const deckStatus = h("div", { id: "deck-status", "aria-live": "polite" });
  const fileInput = h("input", {
    id: "deck-file",
    type: "file",
    accept: ".json,application/json",
    "aria-describedby": "deck-status",
    disabled: true,
  });
  const createError = h("div", { role: "alert" });
  const createButton = h("button", { type: "submit", class: "primary" }, "Create the room");

  const showProblems = (intro: string, problems: Problem[]) =>
    replace(
      deckStatus,
      h("p", { class: "problem" }, intro),
      h(
        "ul",
        { class: "problems" },
        ...problems.map((p) =>
          h("li", {}, p.path ? h("code", {}, p.path) : null, p.path ? " " : "", p.message),
        ),
      ),
    );

  const deckChoice = (event: Event) => {
    const custom = (event.target as HTMLInputElement).value === "file";
    fileInput.disabled = !custom;
    if (!custom) {
      deck = undefined;
      replace(deckStatus);
    } else if (deck === undefined) fileInput.click();
  };

  fileInput.addEventListener("change", async () => {
    deck = undefined;
    const file = fileInput.files?.[0];
    if (!file) return;
    if (file.size > MAX_DECK_BYTES)
      return showProblems("This deck file is too large.", [
        {
          path: "",
          message: `A deck file is at most ${MAX_DECK_BYTES / 1024} KB; this one is ${Math.ceil(file.size / 1024)} KB.`,
        },
      ]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      return showProblems("This file is not JSON.", [
        { path: "", message: String((error as Error).message) },
      ]);
    }
    replace(deckStatus, h("p", {}, "Checking the deck…"));
    const response = await fetch("/api/decks/check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(parsed),
    });
    const result = (await response.json()) as
      | { ok: true; summary: string }
      | { ok: false; problems: Problem[] }
      | { error: { message: string; problems?: Problem[] } };
    if ("error" in result) return showProblems(result.error.message, result.error.problems ?? []);
    if (!result.ok)
      return showProblems(
        `The deck has ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; fix them and choose the file again.`,
        result.problems,
      );
    deck = parsed;
    replace(deckStatus, h("p", { class: "notice" }, `Deck ready: ${result.summary}`));
  });

  const form = h(
    "form",
    { "aria-labelledby": "setup-title", novalidate: true },
    h("h3", { id: "setup-title" }, "Set up the game"),
    h(
      "fieldset",
      {},
      h("legend", {}, "Deck"),
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name: "deck", value: "builtin", checked: true, onchange: deckChoice }),
        "The built-in deck: launches, forum crises, feature-request floods and more",
      ),
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name: "deck", value: "file", onchange: deckChoice }),
        "My own deck file (JSON, checked before anything is created)",
      ),
      h("label", { for: "deck-file" }, "Deck file"),
      fileInput,
      deckStatus,
    ),
    ...numberField("rounds", "Rounds", 5, 1, 12, "1 to 12. Five rounds take about 20 minutes."),
    ...selectField(
      "timer",
      "Round timer",
      [
        ["60", "1 minute"],
        ["90", "1½ minutes"],
        ["120", "2 minutes"],
        ["180", "3 minutes"],
        ["300", "5 minutes"],
        ["", "No timer: I reveal each round"],
      ],
      "120",
    ),
    ...numberField("team-size", "Players per team", 4, 1, 8, "1 to 8; 4 is the sweet spot."),
    h(
      "label",
      { class: "choice" },
      h("input", { id: "bots", type: "checkbox", name: "bots", checked: true }),
      "Bots fill empty roles",
    ),
    ...selectField(
      "advance",
      "After each reveal",
      [
        ["", "Wait for me to start the next round"],
        ["20", "Next round after 20 seconds"],
        ["45", "Next round after 45 seconds"],
      ],
      "",
    ),
    h("div", { class: "actions" }, createButton),
    createError,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(createError);
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const usesFile = (form.elements.namedItem("deck") as RadioNodeList).value === "file";
    if (usesFile && deck === undefined) {
      replace(createError, h("p", { class: "problem" }, "Choose a valid deck file, or the built-in deck."));
      return;
    }
    const settings = {
      rounds: Number(value("rounds")),
      timerSeconds: value("timer") ? Number(value("timer")) : null,
      teamSize: Number(value("team-size")),
      fillWithBots: (form.elements.namedItem("bots") as HTMLInputElement).checked,
      autoAdvanceSeconds: value("advance") ? Number(value("advance")) : null,
    };
    createButton.disabled = true;
    createButton.textContent = "Creating…";
    try {
      const response = await fetch("/api/rooms", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(usesFile ? { settings, deck } : { settings }),
      });
      const body = (await response.json()) as
        | CreateRoomResponse
        | { error: { message: string; problems?: Problem[] } };
      if ("error" in body) {
        replace(
          createError,
          h("p", { class: "problem" }, body.error.message),
          body.error.problems
            ? h(
                "ul",
                { class: "problems" },
                ...body.error.problems.map((p) => h("li", {}, `${p.path} ${p.message}`)),
              )
            : null,
        );
        return;
      }
      localStorage.setItem(facilitatorTokenKey(body.code), body.facilitatorToken);
      history.pushState(null, "", paths.facilitate(body.code));
      const root = document.getElementById("app");
      if (root) await (await import("./facilitator")).showFacilitator(root, body.code, null);
    } catch {
      replace(
        createError,
        h("p", { class: "problem" }, "The server does not answer. Try again in a moment."),
      );
    } finally {
      createButton.disabled = false;
      createButton.textContent = "Create the room";
    }
  });

  replace(slot, form);
  (form.querySelector("input[name=deck]") as HTMLInputElement | null)?.focus();
}
