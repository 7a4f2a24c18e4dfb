/**
 * socket.io's packet encoder without its search for binary data. The stock encoder walks every
 * key of every outgoing payload (`hasBinary`) before it stringifies it, to find Buffers to send
 * as attachments; the server never sends any, so that walk is pure cost on every push. The wire
 * format is the same (socket.io protocol v5: type, namespace, ack id, JSON), and a test holds it
 * to the stock encoder's output; decoding stays socket.io's own.
 */
import { Decoder, type Packet } from "socket.io-parser";

export class JsonOnlyEncoder {
  encode(packet: Packet): string[] {
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== "/") out += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) out += packet.id;
    if (packet.data !== undefined && packet.data !== null) out += JSON.stringify(packet.data);
    return [out];
  }
}

/** The `parser` option for socket.io's Server. */
export const jsonOnlyParser = { Encoder: JsonOnlyEncoder, Decoder };
