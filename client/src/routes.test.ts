import { describe, expect, it } from "vitest";
import { parseRoute } from "./routes";

describe("parseRoute", () => {
  it("opens the landing page with the code of a join link filled in", () => {
    expect(parseRoute("/", "")).toEqual({ screen: "landing", code: null });
    expect(parseRoute("/join/k7qxp", "")).toEqual({ screen: "landing", code: "K7QXP" });
  });

  it("reads the secret token from the fragment, never from the path", () => {
    expect(parseRoute("/facilitate/K7QXP", "#abc%2Bdef")).toEqual({
      screen: "facilitate",
      code: "K7QXP",
      token: "abc+def",
    });
    expect(parseRoute("/facilitate/K7QXP", "")).toEqual({ screen: "facilitate", code: "K7QXP", token: null });
    expect(parseRoute("/seat/K7QXP", "#tok")).toEqual({ screen: "seat", code: "K7QXP", token: "tok" });
  });

  it("sends unknown or malformed addresses to the landing page", () => {
    expect(parseRoute("/host/K7QXP/extra", "")).toEqual({ screen: "landing", code: null });
    expect(parseRoute("/nowhere/K7QXP", "")).toEqual({ screen: "landing", code: null });
    expect(parseRoute("/play/<script>", "")).toEqual({ screen: "landing", code: null });
    expect(parseRoute("/host/K7QXP", "")).toEqual({ screen: "host", code: "K7QXP" });
  });
});
