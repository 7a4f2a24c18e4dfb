/**
 * A player's screen, phone first: their role(s) and what each is for, the scenario, their hand
 * with each card's duty points and cost, energy left, select / show / lock in, what teammates have
 * shown (and bot teammates plan), then the team's reveal with its rationale and their own part.
 *
 * Everything shown comes from the seat's view; whether a card can be chosen is the phase, the pause
 * and the seat's lock-in, then each card's `problem`, which the shared rules computed. The team
 * strip at the top is the Phaser board, started after the lobby (its code is fetched while the
 * player waits there).
 */
import { DUTY_INFO, ROLE_INFO } from "@boxless/shared/content/roles";
import type { PlayerRequestName, RequestPayload } from "@boxless/shared/protocol/events";
import type { RoomView } from "@boxless/shared/protocol/views";
import { seatBlocked } from "@boxless/shared/rules/energy";
import { DUTIES } from "@boxless/shared/rules/names";
import type { RationaleLine, RoundScore } from "@boxless/shared/rules/state";
import type { Duty } from "@boxless/shared/rules/vocabulary";
import { GameConnection, seatTokenKey } from "../net/connection";
import { paths } from "../routes";
import { timerState } from "../state/timer";
import { dutyChip, roleChip } from "./chips";
import { showProblem, statusBanner } from "./common";
import { h, keepingFocus, replace } from "./dom";

type Me = NonNullable<RoomView["me"]>;
type Card = Me["hand"][number];
type TeamView = RoomView["game"]["teams"][number];

export async function showPlayer(
  root: HTMLElement,
  code: string,
  handedToken: string | null,
  joined?: GameConnection,
): Promise<void> {
  if (handedToken) {
    // A seat handed to this device: keep the token, take it out of the address bar.
    localStorage.setItem(seatTokenKey(code), handedToken);
    history.replaceState(null, "", paths.play(code));
  }
  let connection = joined;
  if (!connection) {
    if (!localStorage.getItem(seatTokenKey(code))) {
      history.replaceState(null, "", paths.join(code));
      (await import("./landing")).showLanding(root, code);
      return;
    }
    connection = new GameConnection(location.origin, { storage: localStorage, room: code });
    replace(root, h("p", { class: "loading" }, "Finding your seat…"));
    const ack = await connection.rejoin(code);
    if (!ack.ok) {
      connection.close();
      showProblem(root, `${ack.error.message} You can join room ${code} again with your name.`);
      root.querySelector("a")?.setAttribute("href", paths.join(code));
      return;
    }
  }
  new PlayerScreen(root, connection).start();
}

class PlayerScreen {
  private readonly main = h("main", { class: "page" });
  private readonly header = h("header");
  private readonly stage = h("div");
  private readonly board = h("div", { class: "board-strip", "aria-hidden": "true", hidden: true });
  private readonly feedback = h("p", { class: "field-error", role: "alert" });
  private timerText: HTMLElement | null = null;
  private boardStarted = false;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly connection: GameConnection,
  ) {}

  start(): void {
    replace(
      this.root,
      statusBanner(this.connection),
      h("div", { class: "page" }, this.header),
      h("div", { class: "page" }, this.board),
      this.main,
    );
    replace(this.main, this.stage, this.feedback);
    this.connection.subscribe(() => this.render());
    this.ticker = setInterval(() => this.tick(), 1000);
    this.render();
  }

  private get view(): RoomView | null {
    return this.connection.view;
  }

  /** Redraws from the latest view, keeping keyboard focus on the same control. */
  private render(): void {
    const view = this.view;
    if (!view) return;
    if (this.connection.status === "ended" && !view.me) {
      if (this.ticker) clearInterval(this.ticker);
      return;
    }
    document.title = `${view.me?.name ?? "Player"} · Boxless ${view.room.code}`;
    keepingFocus(this.root, () => {
      replace(this.header, ...this.headerParts(view));
      replace(this.stage, ...this.stageParts(view));
    });
    this.maybeStartBoard(view);
    this.tick();
  }

  private maybeStartBoard(view: RoomView): void {
    const onBoard = view.game.phase !== "lobby" && view.me?.teamId;
    if (!onBoard) {
      // The lobby: fetch the game engine now, draw it once the game starts.
      void import("../game/start");
      return;
    }
    if (this.boardStarted) return;
    this.boardStarted = true;
    this.board.hidden = false;
    const progress = h("progress", { "aria-label": "Loading the board" });
    replace(this.board, progress);
    void import("../game/start").then(({ StartGame }) => {
      progress.remove();
      StartGame(this.board, "player", this.connection);
    });
  }

  private tick(): void {
    const view = this.view;
    const timer = view && timerState(view, this.connection.clockOffset, Date.now());
    if (!this.timerText || !timer) return;
    this.timerText.textContent = `${timer.label} ${timer.time}${timer.paused ? " (paused)" : ""}`;
  }

  private async act<E extends PlayerRequestName>(
    event: E,
    payload: Omit<RequestPayload<E>, "actionId" | "round" | "phase" | "seatId"> = {} as never,
  ): Promise<void> {
    this.feedback.textContent = "";
    const ack = await this.connection.play(event, payload);
    if (!ack.ok) this.feedback.textContent = ack.error.message;
  }

  // ─── header: who I am ───────────────────────────────────────────────────────

  private headerParts(view: RoomView): (Node | string)[] {
    const me = view.me;
    const team = this.team(view);
    const parts: (Node | string)[] = [
      h(
        "div",
        { class: "player-top" },
        h("h1", {}, me?.name ?? "Player"),
        h("span", {}, `${team ? team.name : "No team yet"} · room ${view.room.code}`),
      ),
    ];
    if (me && me.roles.length > 0) {
      parts.push(
        h(
          "ul",
          { class: "teammates", "aria-label": "Your roles" },
          ...me.roles.map((role) =>
            h(
              "li",
              { class: "role-line" },
              roleChip(role),
              " ",
              h("strong", {}, ROLE_INFO[role].title),
              ": ",
              ROLE_INFO[role].job,
            ),
          ),
        ),
      );
    }
    return parts;
  }

  private team(view: RoomView): TeamView | undefined {
    return view.game.teams.find((t) => t.id === view.me?.teamId);
  }

  // ─── the phase's content ────────────────────────────────────────────────────

  private stageParts(view: RoomView): (Node | string | null)[] {
    const me = view.me;
    const { game } = view;
    if (!me) return [h("p", {}, "This seat is no longer yours.")];
    if (game.phase === "lobby") return this.lobby(view, me);
    if (game.phase === "finished") return this.finished(view);
    if (!me.teamId || me.roles.length === 0)
      return [
        h(
          "p",
          { class: "notice" },
          `You joined during round ${game.round}. You get a team and a role at the next round; watch the host screen until then.`,
        ),
      ];
    if (game.paused) this.feedback.textContent = "";
    const paused = game.paused ? h("p", { class: "notice" }, "The facilitator has paused the game.") : null;
    if (game.phase === "reporting") return [paused, ...this.reporting(view)];
    if (game.phase === "planning") return [paused, ...this.planning(view, me)];
    return [paused, ...this.reveal(view, me)];
  }

  private lobby(view: RoomView, me: Me): (Node | string | null)[] {
    const team = this.team(view);
    return [
      h(
        "section",
        { class: "panel" },
        h("h2", {}, `You're in, ${me.name}!`),
        h(
          "p",
          {},
          team ? `You play on ${team.name}. ` : "",
          "Waiting for the facilitator to start the game. Keep this page open: it comes back to your seat if you reload.",
        ),
        team ? this.teammatesList(view, false) : null,
      ),
    ];
  }

  private reporting(view: RoomView): (Node | string | null)[] {
    const team = this.team(view);
    const decided = team?.reportingDecided ? team.reportsTo : null;
    const choose = (side: "product" | "marketing") => () => void this.act("team:chooseReporting", { side });
    const first = view.game.round <= 1;
    return [
      this.timerLine(view),
      h(
        "section",
        { class: "panel", "aria-labelledby": "reporting-title" },
        h(
          "h2",
          { id: "reporting-title" },
          first
            ? "Before round 1: where does Community report?"
            : "Mid-game review: where does Community report?",
        ),
        h(
          "p",
          {},
          "Community and Support sit either with Product (the PM) or with Marketing (the PMM). Hand-offs with that side cost 1 less energy. Talk it over; anyone on the team can decide.",
        ),
        decided
          ? h("p", { class: "notice" }, `Your team chose: Community reports to ${decided}.`)
          : h("p", { class: "hint" }, "Not decided yet."),
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            { type: "button", class: "primary", "data-key": "report:product", onclick: choose("product") },
            "With Product",
          ),
          h(
            "button",
            {
              type: "button",
              class: "primary",
              "data-key": "report:marketing",
              onclick: choose("marketing"),
            },
            "With Marketing",
          ),
        ),
      ),
      this.scenario(view),
    ];
  }

  private timerLine(view: RoomView): HTMLElement | null {
    this.timerText = null;
    if (!view.room.timer) return null;
    this.timerText = h("p", { class: "timer", role: "timer", "aria-live": "off" });
    return this.timerText;
  }

  private scenario(view: RoomView): HTMLElement | null {
    const scenario = view.game.scenario;
    if (!scenario) return null;
    return h(
      "section",
      { class: "panel", "aria-labelledby": "scenario-title" },
      h("h2", { id: "scenario-title" }, `Round ${view.game.round} of ${view.game.rounds}: ${scenario.title}`),
      ...scenario.situation.map((line) => h("p", { class: "card-text" }, line)),
      scenario.twist
        ? h(
            "p",
            { class: "notice" },
            h("strong", {}, `Twist: ${scenario.twist.title}. `),
            scenario.twist.text,
          )
        : null,
      h(
        "p",
        { class: "points", "aria-label": "What the scenario demands" },
        "Demands: ",
        ...DUTIES.map((duty) => dutyChip(duty, scenario.demands[duty])),
      ),
    );
  }

  private planning(view: RoomView, me: Me): (Node | string | null)[] {
    const chosen = me.hand.filter((c) => me.selected.includes(c.id));
    const cost = chosen.reduce((sum, c) => sum + c.cost, 0);
    return [
      this.timerLine(view),
      this.scenario(view),
      h(
        "section",
        { "aria-labelledby": "hand-title" },
        h(
          "div",
          { class: "player-top" },
          h("h2", { id: "hand-title" }, "Your hand"),
          h(
            "p",
            { class: "energy" },
            `Energy ${me.energy.left} of ${me.energy.budget} left `,
            h("meter", {
              min: 0,
              max: me.energy.budget,
              value: me.energy.left,
              "aria-label": `Energy left: ${me.energy.left} of ${me.energy.budget}`,
            }),
          ),
        ),
        h("ul", { class: "hand" }, ...me.hand.map((card) => this.card(card, me))),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "team-title" },
        h("h2", { id: "team-title" }, "Your team"),
        this.teammatesList(view, true),
      ),
      h(
        "div",
        { class: "lock-bar" },
        h(
          "span",
          {},
          me.locked
            ? "Locked in. Waiting for the others…"
            : `${chosen.length} card${chosen.length === 1 ? "" : "s"} chosen, ${cost} energy`,
        ),
        me.locked
          ? h(
              "button",
              { type: "button", "data-key": "unlock", onclick: () => void this.act("seat:unlock") },
              "Unlock",
            )
          : h(
              "button",
              {
                type: "button",
                class: "primary",
                "data-key": "lock",
                onclick: () => void this.act("seat:lockIn"),
              },
              "Lock in",
            ),
      ),
    ];
  }

  private card(card: Card, me: Me): HTMLElement {
    const selected = me.selected.includes(card.id);
    const shown = me.shown.includes(card.id);
    // The seat as a whole (not planning, paused, locked in, no role yet) or this card (its cost, a
    // teammate's choice): a card's problem leaves out what is the seat's.
    const game = this.view?.game;
    const wholeSeat = !game || seatBlocked(game, me) !== null;
    const blocked = !selected && (wholeSeat || card.problem !== null);
    const notes: (string | null)[] = [
      card.offRole ? "Another role's card: +1 energy." : null,
      card.investment
        ? `Investment: +${card.investment.points} ${DUTY_INFO[card.investment.duty].label} in each of the next ${card.investment.rounds} rounds.`
        : null,
      ...card.handoffs.map((handoff) => `Hand-off "${handoff.title}" with ${handoff.partner}.`),
      card.takenBy ? `${card.takenBy} has chosen this card.` : null,
      // While locked in or paused, that is said once, not on every card; a taken card says who took it.
      !selected && !wholeSeat && !card.takenBy && card.problem ? card.problem.message : null,
    ];
    const titleId = `card-${card.id}`;
    return h(
      "li",
      {
        class: `card${selected ? " selected" : ""}${blocked ? " unavailable" : ""}`,
        "aria-labelledby": titleId,
      },
      h(
        "div",
        { class: "card-head" },
        h("span", { class: "card-title", id: titleId }, card.title),
        h("span", { class: "cost", "aria-label": `costs ${card.cost} energy` }, `⚡ ${card.cost}`),
      ),
      h(
        "div",
        { class: "points" },
        roleChip(card.role),
        ...DUTIES.filter((duty) => (card.points[duty] ?? 0) > 0).map((duty) =>
          dutyChip(duty, `+${card.points[duty]}`),
        ),
      ),
      h("p", { class: "card-text" }, card.text),
      ...notes
        .filter((note): note is string => note !== null)
        .map((note) => h("p", { class: "card-note" }, note)),
      h(
        "div",
        { class: "card-actions" },
        h(
          "button",
          {
            type: "button",
            class: selected ? "primary" : "",
            "aria-pressed": String(selected),
            "aria-describedby": titleId,
            "data-key": `select:${card.id}`,
            disabled: me.locked || blocked,
            onclick: () => void this.act(selected ? "card:unselect" : "card:select", { cardId: card.id }),
          },
          selected ? "Chosen ✓" : "Choose",
        ),
        h(
          "button",
          {
            type: "button",
            "aria-describedby": titleId,
            "data-key": `show:${card.id}`,
            disabled: shown,
            onclick: () => void this.act("card:show", { cardId: card.id }),
          },
          shown ? "Shown to team" : "Show to team",
        ),
      ),
    );
  }

  /** Teammates as the board shows them (name, roles, locked in), with what `me` sees of their cards. */
  private teammatesList(view: RoomView, withCards: boolean): HTMLElement {
    const me = view.me;
    const seen = new Map((me?.teammates ?? []).map((mate) => [mate.id, mate]));
    const mates = (this.team(view)?.seats ?? []).filter((seat) => seat.id !== me?.seatId);
    if (mates.length === 0) return h("p", { class: "hint" }, "No teammates yet.");
    const away = new Set(this.connection.away);
    return h(
      "ul",
      { class: "teammates", "aria-label": "Teammates" },
      ...mates.map((mate) => {
        const shown = seen.get(mate.id)?.shown ?? [];
        const planned = seen.get(mate.id)?.planned ?? [];
        return h(
          "li",
          {},
          h("span", { class: "seat-name" }, mate.name),
          " ",
          ...mate.roles.map((role) => roleChip(role)),
          mate.bot ? h("span", { class: "tag" }, "bot") : null,
          mate.waiting ? h("span", { class: "tag" }, "joins next round") : null,
          away.has(mate.id) ? h("span", { class: "tag away" }, "away") : null,
          view.game.phase === "planning"
            ? h(
                "span",
                { class: `tag${mate.locked ? " locked" : ""}` },
                mate.locked ? "locked in ✓" : "choosing",
              )
            : null,
          withCards && shown.length > 0
            ? h("div", { class: "hint" }, `Shows: ${shown.map((c) => c.title).join(", ")}`)
            : null,
          withCards && planned.length > 0
            ? h("div", { class: "hint" }, `Plans: ${planned.map((c) => c.title).join(", ")}`)
            : null,
        );
      }),
    );
  }

  // ─── the reveal and the end ─────────────────────────────────────────────────

  private reveal(view: RoomView, me: Me): (Node | string | null)[] {
    const team = this.team(view);
    const score = team?.roundScores.at(-1);
    if (!team || !score) return [h("p", {}, "Waiting for the reveal…")];
    const mine = score.lines.filter((line) => line.seatId === me.seatId);
    const rank = view.game.leaderboard.findIndex((entry) => entry.teamId === team.id) + 1;
    const last = view.game.round >= view.game.rounds;
    return [
      h(
        "section",
        { class: "panel", "aria-labelledby": "reveal-title" },
        h("h2", { id: "reveal-title" }, `Round ${score.round}: ${team.name} scored ${score.score}`),
        coverageTable(score),
        score.handoffs.length > 0
          ? h(
              "p",
              {},
              `Hand-offs that fired: ${score.handoffs.map((x) => `${x.title} (+${x.bonus})`).join(", ")}.`,
            )
          : h("p", { class: "hint" }, "No hand-off fired this round."),
        h("h3", {}, "Your contribution"),
        mine.length > 0
          ? h("ul", { class: "rationale" }, ...mine.map((line) => h("li", {}, line.text)))
          : h("p", { class: "hint" }, "You played no card this round."),
        h("h3", {}, "Why the team scored this"),
        ...rationaleByDuty(score, me.seatId),
        h(
          "p",
          {},
          `${team.name} has ${team.total} points, ${ordinal(rank)} of ${view.game.leaderboard.length}. Meters: trust ${team.meters.trust}, awareness ${team.meters.awareness}, fit ${team.meters.fit}.`,
        ),
      ),
      this.timerLine(view),
      h("p", { class: "hint" }, last ? "That was the last round." : "The facilitator starts the next round."),
    ];
  }

  private finished(view: RoomView): (Node | string | null)[] {
    const team = this.team(view);
    return [
      h(
        "section",
        { class: "panel", "aria-labelledby": "final-title" },
        h("h2", { id: "final-title" }, "Final scores"),
        h(
          "ol",
          {},
          ...view.game.leaderboard.map((entry) =>
            h(
              "li",
              {},
              entry.teamId === team?.id ? h("strong", {}, `${entry.name} (your team)`) : entry.name,
              `: ${entry.final ?? entry.total}`,
            ),
          ),
        ),
        team
          ? h(
              "p",
              {},
              `${team.name}'s meters at the end: trust ${team.meters.trust}, awareness ${team.meters.awareness}, fit ${team.meters.fit}.`,
            )
          : null,
        h("p", {}, "Thanks for playing. The facilitator will lead the debrief."),
      ),
    ];
  }
}

function coverageTable(score: RoundScore): HTMLElement {
  return h(
    "div",
    { class: "coverage", role: "list", "aria-label": "Coverage per duty" },
    ...DUTIES.flatMap((duty) => {
      const percent = Math.round(score.coverage[duty] * 100);
      return [
        h("span", { role: "listitem" }, dutyChip(duty)),
        h("meter", { min: 0, max: 100, value: percent, "aria-label": `${DUTY_INFO[duty].label} coverage` }),
        h("span", {}, `${percent}% (${round1(score.supply[duty])} of ${round1(score.demand[duty])})`),
      ];
    }),
  );
}

function rationaleByDuty(score: RoundScore, mySeat: string): HTMLElement[] {
  const groups = new Map<Duty | null, RationaleLine[]>();
  for (const line of score.lines) groups.set(line.duty, [...(groups.get(line.duty) ?? []), line]);
  const out: HTMLElement[] = [];
  for (const duty of [...DUTIES, null] as const) {
    const lines = groups.get(duty);
    if (!lines?.length) continue;
    out.push(
      h("h4", {}, duty ? dutyChip(duty) : "Overall"),
      h(
        "ul",
        { class: "rationale" },
        ...lines.map((line) => h("li", { class: line.seatId === mySeat ? "mine" : "" }, line.text)),
      ),
    );
  }
  return out;
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? "st"
      : n % 10 === 2 && n % 100 !== 12
        ? "nd"
        : n % 10 === 3 && n % 100 !== 13
          ? "rd"
          : "th";
  return `${n}${suffix}`;
}
