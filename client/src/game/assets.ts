/**
 * The board's asset manifest: every file the Preloader loads, with the key scenes use. URLs come
 * from Vite (`?url&no-inline`: files, never inlined data URIs, which Phaser's loader would decode as
 * base64), so they are fingerprinted and served from the built client.
 */
import type { Duty, Role } from "@boxless/shared/rules/vocabulary";
import actionFrameUrl from "../../../assets/cards/action-frame.svg?url&no-inline";
import scenarioFrameUrl from "../../../assets/cards/scenario-frame.svg?url&no-inline";
import advocacyUrl from "../../../assets/icons/duty-advocacy.svg?url&no-inline";
import inboundUrl from "../../../assets/icons/duty-inbound.svg?url&no-inline";
import outboundUrl from "../../../assets/icons/duty-outbound.svg?url&no-inline";
import cmUrl from "../../../assets/icons/role-cm.svg?url&no-inline";
import pmUrl from "../../../assets/icons/role-pm.svg?url&no-inline";
import pmmUrl from "../../../assets/icons/role-pmm.svg?url&no-inline";
import supportUrl from "../../../assets/icons/role-support.svg?url&no-inline";

export interface SvgAsset {
  key: string;
  url: string;
  /** Size the SVG is rasterised at: twice its drawn size at most, so it stays sharp when scaled up. */
  width: number;
  height: number;
}

/** Icons are white on transparent, drawn tinted with their duty's or role's colour. */
const icon = (key: string, url: string): SvgAsset => ({ key, url, width: 128, height: 128 });

export const dutyIcon = (duty: Duty) => `duty-${duty}`;
export const roleIcon = (role: Role) => `role-${role}`;

/** The scenario card's frame, drawn as a nine-slice (see `SCENARIO_FRAME_SLICES`). */
export const SCENARIO_FRAME = "scenario-frame";
export const ACTION_FRAME = "action-frame";
/** Rasterised at twice its 640×360 view box. */
export const SCENARIO_FRAME_SCALE = 2;
/** Corners and edges of the scenario frame that keep their size, in view-box units (×SCENARIO_FRAME_SCALE in the texture). */
export const SCENARIO_FRAME_SLICES = { left: 52, right: 52, top: 112, bottom: 48 };
/** Height of the frame's title band in view-box units. */
export const SCENARIO_FRAME_BAND = 78;

export const SVG_ASSETS: readonly SvgAsset[] = [
  icon(dutyIcon("outbound"), outboundUrl),
  icon(dutyIcon("inbound"), inboundUrl),
  icon(dutyIcon("advocacy"), advocacyUrl),
  icon(roleIcon("pm"), pmUrl),
  icon(roleIcon("pmm"), pmmUrl),
  icon(roleIcon("cm"), cmUrl),
  icon(roleIcon("support"), supportUrl),
  {
    key: SCENARIO_FRAME,
    url: scenarioFrameUrl,
    width: 640 * SCENARIO_FRAME_SCALE,
    height: 360 * SCENARIO_FRAME_SCALE,
  },
  { key: ACTION_FRAME, url: actionFrameUrl, width: 400, height: 560 },
];
