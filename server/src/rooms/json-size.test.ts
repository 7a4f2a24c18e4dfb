/** `jsonLongerThan` answers as `JSON.stringify(value).length > limit` would, for any JSON-like value. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonLongerThan } from "./json-size";

const anything = fc.anything({
  maxDepth: 4,
  withNullPrototype: false,
  withBigInt: false,
  withDate: true,
  withTypedArray: false,
  withSparseArray: true,
  withBoxedValues: false,
  withMap: false,
  withSet: false,
  stringUnit: "binary",
});

describe("jsonLongerThan", () => {
  it("agrees with the length of JSON.stringify for any value and limit", () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.jsonValue()), fc.nat(400), (value, limit) => {
        const json = JSON.stringify(value) ?? "";
        expect(jsonLongerThan(value, limit)).toBe(json.length > limit);
        // At the exact length: not longer; one less: longer.
        expect(jsonLongerThan(value, json.length)).toBe(false);
        if (json.length > 0) expect(jsonLongerThan(value, json.length - 1)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it("counts escapes, lone surrogates and left-out keys", () => {
    const value = {
      a: 'quote " and \\ and \n and \u0001',
      b: undefined,
      c: [undefined, () => 1],
      d: "\ud800x😀",
    };
    const json = JSON.stringify(value);
    expect(jsonLongerThan(value, json.length)).toBe(false);
    expect(jsonLongerThan(value, json.length - 1)).toBe(true);
  });
});
