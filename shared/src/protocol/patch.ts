/**
 * Views travel as patches: after a command a socket gets only what changed in its view. A patch is
 * a list of operations, each a path into the view and the new value there (no value: remove it).
 * Objects are compared key by key, arrays of the same length item by item; anything else that
 * differs is replaced whole. Unchanged parts shared by reference are skipped without a look inside,
 * which is what makes diffing cheap: the engine never copies what it does not change.
 */
// No zod here: the landing page's network module uses this file, and must stay small. The
// schema of an operation on the wire is PatchOpSchema in events.ts.

export type PathKey = string | number;
export interface PatchOp {
  p: PathKey[];
  v?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The operations that turn `before` into `after` (both plain JSON values). */
export function diffView(before: unknown, after: unknown): PatchOp[] {
  const ops: PatchOp[] = [];
  walk(before, after, [], ops);
  return ops;
}

function walk(a: unknown, b: unknown, path: PathKey[], ops: PatchOp[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      ops.push({ p: path, v: b });
      return;
    }
    for (let i = 0; i < a.length; i++) walk(a[i], b[i], [...path, i], ops);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key) || b[key] === undefined) {
        if (a[key] !== undefined) ops.push({ p: [...path, key] });
      } else walk(a[key], b[key], [...path, key], ops);
    }
    for (const key of Object.keys(b))
      if (!Object.hasOwn(a, key) && b[key] !== undefined) ops.push({ p: [...path, key], v: b[key] });
    return;
  }
  ops.push({ p: path, v: b });
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Apply a patch without changing `view`: the parts on the patched paths are copied, the rest shared. */
export function applyViewPatch<T>(view: T, ops: readonly PatchOp[]): T {
  let root: unknown = view;
  for (const op of ops) root = setIn(root, op.p, 0, op);
  return root as T;
}

function setIn(node: unknown, path: readonly PathKey[], depth: number, op: PatchOp): unknown {
  if (depth === path.length) return op.v;
  const key = path[depth] as PathKey;
  if (typeof key === "string" && FORBIDDEN.has(key)) throw new Error(`refusing to patch the key "${key}"`);
  if (Array.isArray(node) && typeof key === "number") {
    const copy = node.slice();
    copy[key] = setIn(node[key], path, depth + 1, op);
    return copy;
  }
  const base = isPlainObject(node) ? node : {};
  const copy: Record<string, unknown> = { ...base };
  const name = String(key);
  if (depth === path.length - 1 && !("v" in op)) delete copy[name];
  else copy[name] = setIn(Object.hasOwn(base, name) ? base[name] : undefined, path, depth + 1, op);
  return copy;
}
