/**
 * Whether a value's JSON would be longer than a limit, without building the JSON: the fan-out asks
 * it of every board patch (is it big enough to send once to everyone?), and most are a few bytes.
 * Counts as `JSON.stringify(value).length` would, and stops counting once past the limit.
 */
export function jsonLongerThan(value: unknown, limit: number): boolean {
  return measure(value, limit, false) > limit;
}

/** JSON length of `value` (0 for a value JSON leaves out of an object), or more than `limit`. */
function measure(value: unknown, limit: number, inArray: boolean): number {
  switch (typeof value) {
    case "string":
      return stringLength(value);
    case "number":
      return Number.isFinite(value) ? String(value).length : 4;
    case "boolean":
      return value ? 4 : 5;
    case "object": {
      if (value === null) return 4;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function")
        return measure((value as { toJSON: () => unknown }).toJSON(), limit, inArray);
      let total = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && total <= limit; i++)
          total += (i > 0 ? 1 : 0) + measure(value[i], limit - total, true);
        return total;
      }
      let first = true;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const item = measure((value as Record<string, unknown>)[key], limit - total, false);
        if (item === 0) continue;
        total += (first ? 0 : 1) + stringLength(key) + 1 + item;
        first = false;
        if (total > limit) break;
      }
      return total;
    }
    default:
      // undefined, functions and symbols: left out of objects, null in arrays.
      return inArray ? 4 : 0;
  }
}

/** The length of a string as JSON: its quotes plus each character, escaped where JSON escapes it. */
function stringLength(text: string): number {
  let total = 2 + text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code === 0x22 ||
      code === 0x5c ||
      code === 0x08 ||
      code === 0x0c ||
      code === 0x0a ||
      code === 0x0d ||
      code === 0x09
    )
      total += 1;
    else if (code < 0x20) total += 5;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else total += 5;
    }
  }
  return total;
}
