/**
 * The server's encoder writes exactly what socket.io's own encoder writes for every packet the
 * server sends (payloads without binary data), so clients cannot tell the difference.
 */
import fc from "fast-check";
import { Encoder, type Packet, PacketType } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { JsonOnlyEncoder } from "./json-encoder";

const json = fc.jsonValue({ maxDepth: 4 });

const packet: fc.Arbitrary<Packet> = fc.record(
  {
    type: fc.constantFrom(
      PacketType.CONNECT,
      PacketType.DISCONNECT,
      PacketType.EVENT,
      PacketType.ACK,
      PacketType.CONNECT_ERROR,
    ),
    nsp: fc.constantFrom("/", "/admin", ""),
    id: fc.option(fc.nat(), { nil: undefined }),
    data: fc.oneof(
      fc.constant(undefined),
      json,
      fc.tuple(fc.constantFrom("view:patched", "presence:changed"), json).map((items) => [...items]),
    ),
  },
  { requiredKeys: ["type", "nsp"] },
);

describe("the JSON-only packet encoder", () => {
  it("encodes every packet as socket.io's encoder does", () => {
    const stock = new Encoder();
    const ours = new JsonOnlyEncoder();
    fc.assert(
      fc.property(packet, (p) => {
        expect(ours.encode(p)).toEqual(stock.encode(p));
      }),
      { numRuns: 2_000 },
    );
  });

  it("encodes a view patch and an ack as the client expects to read them", () => {
    const ours = new JsonOnlyEncoder();
    expect(
      ours.encode({
        type: PacketType.EVENT,
        nsp: "/",
        data: ["view:patched", { base: 1, version: 2, ops: [] }],
      }),
    ).toEqual(['2["view:patched",{"base":1,"version":2,"ops":[]}]']);
    expect(
      ours.encode({ type: PacketType.ACK, nsp: "/", id: 7, data: [{ ok: true, data: { version: 2 } }] }),
    ).toEqual(['37[{"ok":true,"data":{"version":2}}]']);
  });
});
