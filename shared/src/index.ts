/** The shared package: the rules engine, the built-in deck and (later) the wire protocol. */
export * from "./content/builtin-deck";
export * from "./content/check-deck";
export * from "./content/roles";
export * from "./protocol/index";
export * from "./rules/bots";
export * from "./rules/commands";
export * from "./rules/deck-index";
export * from "./rules/energy";
export * from "./rules/engine";
export * from "./rules/errors";
export * from "./rules/random";
export * from "./rules/scoring";
export * from "./rules/setup";
export * from "./rules/state";
export * from "./rules/view";
export * from "./rules/vocabulary";
