/**
 * The app's addresses. Each screen has one, so a reload or a shared link opens the same screen:
 *
 *   /                        landing: host a game, or join one
 *   /join/CODE               landing with the room code filled in (the QR code points here)
 *   /play/CODE               a player's seat (the token is in this browser's storage)
 *   /seat/CODE#token         a seat handed to this device by the facilitator
 *   /host/CODE               the host screen for the projector
 *   /facilitate/CODE#token   the facilitator's controls; the token moves to storage at once
 */
export type Route =
  | { screen: "landing"; code: string | null }
  | { screen: "play"; code: string }
  | { screen: "seat"; code: string; token: string | null }
  | { screen: "host"; code: string }
  | { screen: "facilitate"; code: string; token: string | null };

const CODE = /^[A-Za-z0-9]{1,16}$/;

export function parseRoute(pathname: string, hash: string): Route {
  const [first, rawCode, ...rest] = pathname.split("/").filter(Boolean);
  const code = rawCode && CODE.test(rawCode) && rest.length === 0 ? rawCode.toUpperCase() : null;
  const token = hash.startsWith("#") && hash.length > 1 ? decodeURIComponent(hash.slice(1)) : null;
  if (!code) return { screen: "landing", code: null };
  switch (first) {
    case "join":
      return { screen: "landing", code };
    case "play":
      return { screen: "play", code };
    case "seat":
      return { screen: "seat", code, token };
    case "host":
      return { screen: "host", code };
    case "facilitate":
      return { screen: "facilitate", code, token };
    default:
      return { screen: "landing", code: null };
  }
}

export const paths = {
  join: (code: string) => `/join/${code}`,
  play: (code: string) => `/play/${code}`,
  host: (code: string) => `/host/${code}`,
  facilitate: (code: string) => `/facilitate/${code}`,
};
