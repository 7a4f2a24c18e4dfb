/**
 * The game's fixed names as plain constants, with no dependencies: the browser's screens import
 * them without pulling in the schemas (zod) that the rest of the rules are typed against.
 */
export const DUTIES = ["outbound", "inbound", "advocacy"] as const;
export const ROLES = ["pm", "pmm", "cm", "support"] as const;

/** Which meter follows which duty: customer trust, market awareness, product fit. */
export const METER_FOR = {
  advocacy: "trust",
  outbound: "awareness",
  inbound: "fit",
} as const satisfies Record<(typeof DUTIES)[number], "trust" | "awareness" | "fit">;
