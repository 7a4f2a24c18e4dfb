/** Errors are values: a namespaced code for programs and a sentence for people. */
export type GameErrorCode =
  | "game/not_started"
  | "game/already_started"
  | "game/finished"
  | "game/paused"
  | "game/not_paused"
  | "game/no_seats"
  | "game/unknown_command"
  | "seat/not_found"
  | "seat/exists"
  | "seat/name_taken"
  | "seat/no_team"
  | "seat/invalid_roles"
  | "seat/is_bot"
  | "team/not_found"
  | "team/full"
  | "action/wrong_phase"
  | "action/stale"
  | "action/card_not_in_hand"
  | "action/card_taken"
  | "action/already_selected"
  | "action/not_selected"
  | "action/already_shown"
  | "action/not_enough_energy"
  | "action/role_frozen"
  | "action/locked"
  | "action/not_locked"
  | "action/invalid";

export interface GameError {
  code: GameErrorCode;
  message: string;
}

export function gameError(code: GameErrorCode, message: string): GameError {
  return { code, message };
}
