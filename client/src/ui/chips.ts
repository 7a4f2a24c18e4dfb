/** Duty and role chips: colour, icon and label together, so no one needs to tell colours apart. */
import { DUTY_INFO, ROLE_INFO } from "@boxless/shared/content/roles";
import type { Duty, Role } from "@boxless/shared/rules/vocabulary";
import advocacyIcon from "../../../assets/icons/duty-advocacy.svg?url";
import inboundIcon from "../../../assets/icons/duty-inbound.svg?url";
import outboundIcon from "../../../assets/icons/duty-outbound.svg?url";
import cmIcon from "../../../assets/icons/role-cm.svg?url";
import pmIcon from "../../../assets/icons/role-pm.svg?url";
import pmmIcon from "../../../assets/icons/role-pmm.svg?url";
import supportIcon from "../../../assets/icons/role-support.svg?url";
import { h } from "./dom";

const DUTY_ICON: Record<Duty, string> = {
  outbound: outboundIcon,
  inbound: inboundIcon,
  advocacy: advocacyIcon,
};
const ROLE_ICON: Record<Role, string> = { pm: pmIcon, pmm: pmmIcon, cm: cmIcon, support: supportIcon };

/** `Outbound 3`: a duty's icon, label and (optionally) a number. */
export function dutyChip(duty: Duty, amount?: number | string): HTMLElement {
  const text = amount === undefined ? DUTY_INFO[duty].label : `${DUTY_INFO[duty].label} ${amount}`;
  return h("span", { class: `chip ${duty}` }, h("img", { src: DUTY_ICON[duty], alt: "" }), text);
}

export function roleChip(role: Role): HTMLElement {
  return h(
    "span",
    { class: `chip role-${role}`, title: ROLE_INFO[role].title },
    h("img", { src: ROLE_ICON[role], alt: "" }),
    ROLE_INFO[role].label,
  );
}
