/**
 * What each role and duty is, in one line, as the screens tell it. Text only: no rule reads it.
 * The lines follow the seeds (../docs/RULES.md cites them).
 */
import type { Duty, Role } from "../rules/vocabulary";

export interface RoleInfo {
  /** Short label on cards and seats. */
  label: string;
  title: string;
  /** The role's job in one line, shown next to the player's role. */
  job: string;
}

export const ROLE_INFO: Record<Role, RoleInfo> = {
  pm: {
    label: "PM",
    title: "Product Manager",
    job: "Decides what gets built: gathers requirements, writes them for engineering, prioritises.",
  },
  pmm: {
    label: "PMM",
    title: "Product Marketing Manager",
    job: "Tells the market: positioning, messaging, launches, press and analysts.",
  },
  cm: {
    label: "CM",
    title: "Community Manager",
    job: "The company's face to its community: fosters it, moderates it, brings its voice inside.",
  },
  support: {
    label: "Support",
    title: "Support",
    job: "Talks to more users than anyone: answers them, and turns ticket trends into requirements.",
  },
};

export interface DutyInfo {
  label: string;
  /** What covering the duty means, in one line. */
  job: string;
}

export const DUTY_INFO: Record<Duty, DutyInfo> = {
  outbound: { label: "Outbound", job: "Telling the market" },
  inbound: { label: "Inbound", job: "Building the right thing" },
  advocacy: { label: "Advocacy", job: "The customer's voice" },
};
