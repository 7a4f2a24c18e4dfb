/**
 * The facilitator's controls. Before the start: the room code and a large QR code for joining,
 * the teams with their seats and roles, and controls to reassign, move, remove and start. During
 * play: pause/resume, force the reveal, next round, end the game, the timer, each seat's state,
 * and the leaderboard.
 *
 * The secret facilitator link is taken out of the address bar at once (the facilitator's screen is
 * often the one being shared) and kept in this browser's storage, so a reload keeps control.
 */

import { ROLE_INFO } from "@boxless/shared/content/roles";
import type { FacilitatorRequestName, RequestPayload } from "@boxless/shared/protocol/events";
import type { RoomView } from "@boxless/shared/protocol/views";
import { ROLES } from "@boxless/shared/rules/names";
import type { Role } from "@boxless/shared/rules/vocabulary";
import { renderSVG } from "uqr";
import { facilitatorTokenKey, GameConnection } from "../net/connection";
import { paths } from "../routes";
import { clock, timerState } from "../state/timer";
import { roleChip } from "./chips";
import { showProblem, statusBanner } from "./common";
import { h, keepingFocus, replace } from "./dom";

type TeamView = RoomView["game"]["teams"][number];
type SeatSummary = TeamView["seats"][number];

export async function showFacilitator(
  root: HTMLElement,
  code: string,
  linkToken: string | null,
): Promise<void> {
  if (linkToken) localStorage.setItem(facilitatorTokenKey(code), linkToken);
  // Out of the address bar (and out of the history entry) before anything is drawn.
  history.replaceState(null, "", paths.facilitate(code));
  document.title = `Facilitator · Boxless ${code}`;
  if (!localStorage.getItem(facilitatorTokenKey(code))) {
    showProblem(
      root,
      `This browser has no facilitator link for room ${code}. Open the secret facilitator link you got when you created the room.`,
    );
    return;
  }
  const connection = new GameConnection(location.origin, { storage: localStorage, room: code });
  replace(root, h("p", { class: "loading" }, "Opening the room…"));
  const ack = await connection.facilitate(code);
  if (!ack.ok) {
    connection.close();
    if (ack.error.code === "auth/invalid_token") localStorage.removeItem(facilitatorTokenKey(code));
    showProblem(root, ack.error.message);
    return;
  }
  new FacilitatorScreen(root, connection).start();
}

class FacilitatorScreen {
  private readonly content = h("div");
  private readonly feedback = h("p", { class: "field-error", role: "alert" });
  private readonly handOvers = new Map<string, string>();
  private timerText: HTMLElement | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly connection: GameConnection,
  ) {}

  start(): void {
    replace(
      this.root,
      statusBanner(this.connection),
      h("main", { class: "page" }, this.content, this.feedback),
    );
    this.connection.subscribe(() => this.render());
    setInterval(() => this.tick(), 1000);
    this.render();
  }

  private async control<E extends FacilitatorRequestName>(
    event: E,
    payload: Omit<RequestPayload<E>, "actionId"> = {} as never,
  ): Promise<boolean> {
    this.feedback.textContent = "";
    const ack = await this.connection.control(event, payload);
    if (!ack.ok) this.feedback.textContent = ack.error.message;
    return ack.ok;
  }

  private render(): void {
    const view = this.connection.view;
    if (!view) return;
    const lobby = view.game.phase === "lobby";
    keepingFocus(this.root, () =>
      replace(
        this.content,
        this.header(view),
        lobby ? this.joinPanel(view) : this.playPanel(view),
        this.teamsPanel(view),
        lobby ? null : this.leaderboard(view),
      ),
    );
    this.tick();
  }

  private tick(): void {
    if (!this.timerText) return;
    const view = this.connection.view;
    const timer = view && timerState(view, this.connection.clockOffset, Date.now());
    this.timerText.textContent = timer
      ? `${timer.label === "Time left" ? "Round timer" : timer.label}: ${timer.time}${timer.paused ? " (paused)" : ""}`
      : "No timer";
  }

  private header(view: RoomView): HTMLElement {
    return h(
      "header",
      { class: "brand" },
      h("h1", {}, `Room ${view.room.code}`),
      h("p", {}, `Facilitator · ${view.room.deckName}`),
      h(
        "a",
        { class: "button", href: paths.host(view.room.code), target: "_blank", rel: "noopener" },
        "Open the host screen",
      ),
    );
  }

  // ─── before the start ───────────────────────────────────────────────────────

  private joinPanel(view: RoomView): HTMLElement {
    const { links, settings } = view.room;
    // Opened on this machine (localhost), the link phones can reach is the network address.
    const joinLink = links.lanJoin ?? links.join;
    const people = view.game.teams.flatMap((t) => t.seats).filter((s) => !s.bot);
    const qr = h("div", {
      class: "qr",
      role: "img",
      "aria-label": `QR code that opens ${joinLink}`,
    });
    qr.innerHTML = renderSVG(joinLink, { border: 2 }); // generated from our own link, no user input
    return h(
      "section",
      { class: "panel grid-2", "aria-labelledby": "join-title" },
      h(
        "div",
        {},
        h("h2", { id: "join-title" }, "Players join with"),
        h(
          "p",
          { class: "room-code", "aria-label": `Room code ${view.room.code.split("").join(" ")}` },
          view.room.code,
        ),
        h("p", {}, "at ", h("a", { href: joinLink }, joinLink)),
        links.lanJoin ? h("p", { class: "hint" }, `On this machine: ${links.join}`) : null,
        h(
          "p",
          { class: "hint" },
          `${settings.rounds} rounds · ${settings.timerSeconds ? clock(settings.timerSeconds * 1000) : "no timer"} · teams of ${settings.teamSize}`,
        ),
        h(
          "label",
          { class: "choice" },
          h("input", {
            type: "checkbox",
            "data-key": "bots",
            checked: settings.fillWithBots,
            onchange: (event: Event) =>
              void this.control("game:setBots", { fillWithBots: (event.target as HTMLInputElement).checked }),
          }),
          "Bots fill empty roles",
        ),
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            {
              type: "button",
              class: "primary",
              "data-key": "start",
              disabled: people.length === 0,
              onclick: () => void this.control("game:start"),
            },
            people.length === 0 ? "Start (waiting for players)" : `Start the game with ${people.length}`,
          ),
        ),
      ),
      qr,
    );
  }

  // ─── during play ────────────────────────────────────────────────────────────

  private playPanel(view: RoomView): HTMLElement {
    const { game } = view;
    this.timerText = h("p", { class: "timer", role: "timer", "aria-live": "off" });
    const phaseText: Record<string, string> = {
      reporting: "Teams decide where Community reports",
      planning: "Teams are choosing their cards",
      revealed: "Round revealed",
      finished: "Game over",
    };
    const seats = game.teams.flatMap((t) => t.seats).filter((s) => !s.waiting);
    const locked = seats.filter((s) => s.locked).length;
    const over = game.phase === "finished";
    const last = game.round >= game.rounds;
    return h(
      "section",
      { class: "panel", "aria-labelledby": "play-title" },
      h(
        "h2",
        { id: "play-title" },
        over ? "Game over" : `Round ${game.round} of ${game.rounds}: ${phaseText[game.phase] ?? game.phase}`,
      ),
      game.scenario && !over ? h("p", {}, `Scenario: ${game.scenario.title}`) : null,
      game.phase === "planning" ? h("p", {}, `${locked} of ${seats.length} seats locked in.`) : null,
      game.paused ? h("p", { class: "notice" }, "Paused: the timer is frozen and players cannot act.") : null,
      over ? null : this.timerText,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            "data-key": "pause",
            disabled: over,
            onclick: () => void this.control(game.paused ? "game:resume" : "game:pause"),
          },
          game.paused ? "Resume" : "Pause",
        ),
        h(
          "button",
          {
            type: "button",
            "data-key": "reveal",
            disabled: over || game.paused || (game.phase !== "planning" && game.phase !== "reporting"),
            onclick: () => void this.control("round:forceReveal"),
          },
          game.phase === "reporting" ? "End the reporting decision" : "Reveal now",
        ),
        h(
          "button",
          {
            type: "button",
            class: "primary",
            "data-key": "next",
            disabled: game.phase !== "revealed" || game.paused,
            onclick: () => void this.control("round:next"),
          },
          last ? "Show the final scores" : "Next round",
        ),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            "data-key": "end",
            disabled: over,
            onclick: () => {
              if (confirm("End the game now? The scores so far become final.")) void this.control("game:end");
            },
          },
          "End the game",
        ),
        h(
          "button",
          { type: "button", "data-key": "export", onclick: () => exportResults(view) },
          "Download results",
        ),
      ),
    );
  }

  private leaderboard(view: RoomView): HTMLElement {
    const teams = new Map(view.game.teams.map((t) => [t.id, t]));
    return h(
      "section",
      { class: "panel", "aria-labelledby": "board-title" },
      h("h2", { id: "board-title" }, "Leaderboard"),
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Team", "Total", "Last round", "Trust", "Awareness", "Fit"].map((x) => h("th", {}, x)),
          ),
        ),
        h(
          "tbody",
          {},
          ...view.game.leaderboard.map((entry) => {
            const team = teams.get(entry.teamId);
            return h(
              "tr",
              {},
              h("td", {}, entry.name),
              h("td", {}, String(entry.final ?? entry.total)),
              h("td", {}, String(team?.roundScores.at(-1)?.score ?? "–")),
              h("td", {}, String(team?.meters.trust ?? "")),
              h("td", {}, String(team?.meters.awareness ?? "")),
              h("td", {}, String(team?.meters.fit ?? "")),
            );
          }),
        ),
      ),
    );
  }

  // ─── teams and seats ────────────────────────────────────────────────────────

  private teamsPanel(view: RoomView): HTMLElement {
    const teams = view.game.teams;
    return h(
      "section",
      { class: "panel", "aria-labelledby": "teams-title" },
      h("h2", { id: "teams-title" }, "Teams"),
      teams.length === 0 ? h("p", { class: "hint" }, "Nobody has joined yet.") : null,
      ...teams.map((team) =>
        h(
          "div",
          { class: "team" },
          h(
            "h3",
            {},
            team.name,
            team.reportsTo && view.game.phase !== "lobby"
              ? h("span", { class: "tag" }, `reports to ${team.reportsTo}`)
              : null,
          ),
          ...team.seats.map((seat) => this.seatRow(view, team, seat)),
        ),
      ),
    );
  }

  private seatRow(view: RoomView, team: TeamView, seat: SeatSummary): HTMLElement {
    const away = this.connection.away.includes(seat.id);
    const over = view.game.phase === "finished";
    const roleBoxes = ROLES.map((role) =>
      h(
        "label",
        { title: ROLE_INFO[role].title },
        h("input", {
          type: "checkbox",
          name: `roles-${seat.id}`,
          value: role,
          "data-key": `role:${seat.id}:${role}`,
          checked: seat.roles.includes(role),
          disabled: over,
          onchange: (event: Event) =>
            this.changeRoles(seat, role, (event.target as HTMLInputElement).checked),
        }),
        ROLE_INFO[role].label,
      ),
    );
    const teamSelect = h(
      "select",
      {
        "aria-label": `Team of ${seat.name}`,
        "data-key": `team:${seat.id}`,
        class: "small",
        disabled: over,
        onchange: (event: Event) =>
          void this.control("seat:assign", {
            seatId: seat.id,
            teamId: (event.target as HTMLSelectElement).value,
          }),
      },
      ...view.game.teams.map((t) => h("option", { value: t.id, selected: t.id === team.id }, t.name)),
    );
    const handOver = this.handOvers.get(seat.id);
    return h(
      "div",
      { class: "seat-row" },
      h(
        "div",
        {},
        h("span", { class: "seat-name" }, seat.name),
        seat.bot ? h("span", { class: "tag" }, "bot") : null,
        away ? h("span", { class: "tag away" }, "away") : null,
        seat.waiting ? h("span", { class: "tag" }, "joins next round") : null,
        view.game.phase === "planning" && seat.locked
          ? h("span", { class: "tag locked" }, "locked in")
          : null,
        h("div", { class: "points" }, ...seat.roles.map((role) => roleChip(role))),
      ),
      h(
        "fieldset",
        { class: "roles" },
        h("legend", { class: "visually-hidden" }, `Roles of ${seat.name}`),
        ...roleBoxes,
      ),
      h(
        "div",
        { class: "card-actions" },
        teamSelect,
        view.game.phase === "lobby"
          ? null
          : h(
              "button",
              {
                type: "button",
                class: "small",
                "data-key": `bot:${seat.id}`,
                disabled: over,
                onclick: () =>
                  void this.control("seat:setBot", { seatId: seat.id, bot: seat.bot ? null : "coordinated" }),
              },
              seat.bot ? `Stop the bot for ${seat.name}` : `Bot plays for ${seat.name}`,
            ),
        seat.bot
          ? null
          : h(
              "button",
              {
                type: "button",
                class: "small",
                "data-key": `handover:${seat.id}`,
                disabled: over,
                onclick: async () => {
                  const ack = await this.connection.control("seat:handOver", { seatId: seat.id });
                  if (!ack.ok) this.feedback.textContent = ack.error.message;
                  else {
                    this.handOvers.set(seat.id, ack.data.link);
                    this.render();
                  }
                },
              },
              `New device for ${seat.name}`,
            ),
        h(
          "button",
          {
            type: "button",
            class: "small danger",
            "data-key": `remove:${seat.id}`,
            disabled: over,
            onclick: () => {
              if (confirm(`Remove ${seat.name} from the game?`))
                void this.control("seat:remove", { seatId: seat.id });
            },
          },
          `Remove ${seat.name}`,
        ),
      ),
      handOver
        ? h(
            "p",
            { class: "notice" },
            `Open this link on ${seat.name}'s new device (the old one stops working): `,
            h("a", { href: handOver }, handOver),
          )
        : null,
    );
  }

  private changeRoles(seat: SeatSummary, role: Role, on: boolean): void {
    const roles = on ? [...seat.roles, role] : seat.roles.filter((r) => r !== role);
    // A refused change (the last role taken off, say) shows why and puts the checkboxes back.
    void this.control("seat:assign", { seatId: seat.id, roles }).then((ok) => ok || this.render());
  }
}

/** The results as a JSON file: every team's rounds with their rationale, for the debrief. */
function exportResults(view: RoomView): void {
  const results = {
    room: view.room.code,
    deck: view.room.deckName,
    round: view.game.round,
    rounds: view.game.rounds,
    leaderboard: view.game.leaderboard,
    teams: view.game.teams.map((t) => ({
      name: t.name,
      total: t.total,
      meters: t.meters,
      seats: t.seats.map((s) => ({ name: s.name, roles: s.roles, bot: s.bot })),
      rounds: t.roundScores,
    })),
  };
  const url = URL.createObjectURL(new Blob([JSON.stringify(results, null, 2)], { type: "application/json" }));
  const link = h("a", { href: url, download: `boxless-${view.room.code}-results.json` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
