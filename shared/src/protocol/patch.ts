/**
 * Views travel as patches: after a command a socket gets only what changed in its view. A patch is
 * a list of operations, each a path into the view and the new value there (no value: remove it).
 * Objects are compared key by key (two with different `id`s are replaced whole), arrays item by
 * item (a longer array gets its new items one index at a time; a shorter or formerly empty one is
 * replaced whole); anything else that differs is replaced whole.
 * Unchanged parts shared by reference are skipped without a look inside, which is what makes
 * diffing cheap: the engine never copies what it does not change, and the server's view cache
 * (`createViewCache`) hands back the same objects for the parts of a view that did not change.
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

/**
 * The operations that turn `before` into `after` (both plain JSON values), each path starting with
 * `prefix` (for a part of a bigger view: `["me"]`).
 */
export function diffView(before: unknown, after: unknown, prefix: readonly PathKey[] = []): PatchOp[] {
  const ops: PatchOp[] = [];
  walk(before, after, [...prefix], ops);
  return ops;
}

/** `path` is one array, pushed and popped on the way down; an op gets its own copy. */
function walk(a: unknown, b: unknown, path: PathKey[], ops: PatchOp[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    // A shorter array is replaced whole; a longer one keeps its first items (diffed) and gets the
    // new ones one index at a time (a round's score added to the ones before it).
    if (b.length < a.length || (a.length === 0 && b.length > 0)) {
      ops.push({ p: path.slice(), v: b });
      return;
    }
    for (let i = 0; i < b.length; i++) {
      if (i < a.length && a[i] === b[i]) continue;
      path.push(i);
      if (i < a.length) walk(a[i], b[i], path, ops);
      else ops.push({ p: path.slice(), v: b[i] });
      path.pop();
    }
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    // Objects with different ids are different things (a new round's card where the last round's
    // was): one op with the new one, not one per field with the path repeated each time.
    if (typeof a.id === "string" && a.id !== b.id) {
      ops.push({ p: path.slice(), v: b });
      return;
    }
    // for…in (no key arrays made) with own keys only: a key inherited from a prototype is no key.
    for (const key in a) {
      if (!Object.hasOwn(a, key)) continue;
      if (!Object.hasOwn(b, key) || b[key] === undefined) {
        if (a[key] !== undefined) ops.push({ p: [...path, key] });
      } else if (a[key] !== b[key]) {
        path.push(key);
        walk(a[key], b[key], path, ops);
        path.pop();
      }
    }
    for (const key in b)
      if (Object.hasOwn(b, key) && !Object.hasOwn(a, key) && b[key] !== undefined)
        ops.push({ p: [...path, key], v: b[key] });
    return;
  }
  ops.push({ p: path.slice(), v: b });
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
