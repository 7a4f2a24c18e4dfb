/**
 * Colours and type, for the HTML screens and the Phaser board alike. Duties and roles use the
 * Okabe–Ito palette, which stays distinct for the common kinds of colour blindness; they are also
 * always shown with an icon and a label, never by colour alone.
 */
import type { Duty, Role } from "@boxless/shared/rules/vocabulary";

export const DUTY_COLOUR: Record<Duty, string> = {
  outbound: "#E69F00",
  inbound: "#56B4E9",
  advocacy: "#009E73",
};

export const ROLE_COLOUR: Record<Role, string> = {
  pm: "#0072B2",
  pmm: "#D55E00",
  cm: "#CC79A7",
  support: "#F0E442",
};

export const INK = {
  background: "#14161f",
  panel: "#1f2330",
  line: "#3a4152",
  text: "#f4f5f8",
  muted: "#b8bfcc",
  good: "#7ee2b8",
  warn: "#ffb454",
  bad: "#ff8a80",
} as const;

export const FONT_FAMILY = '"Atkinson Hyperlegible", system-ui, sans-serif';

/** A `#rrggbb` colour as the number Phaser wants. */
export function hex(colour: string): number {
  return Number.parseInt(colour.slice(1), 16);
}

/** Makes the palette available to CSS as custom properties (`var(--outbound)`, `var(--panel)`…). */
export function applyTheme(root: HTMLElement): void {
  for (const [name, colour] of Object.entries({ ...DUTY_COLOUR, ...INK }))
    root.style.setProperty(`--${name}`, colour);
  for (const [role, colour] of Object.entries(ROLE_COLOUR)) root.style.setProperty(`--role-${role}`, colour);
}
