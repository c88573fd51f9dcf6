// Turns YAML-decoded data into Lua 5.1 source that rebuilds it as a table, the way Argo CD hands a live
// object to a health script (maps become keyed tables, lists become sequences, null becomes nil).

/** A Lua string literal for `s`. Every byte outside printable ASCII, plus `"` and `\`, is a decimal
 * escape (`\ddd`), so UTF-8, newlines, NUL and `]]` survive unchanged whatever the content. */
export function luaString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

function luaNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) {
    throw new TypeError(`${path}: ${n} has no JSON form; Kubernetes objects only hold finite numbers`);
  }
  // JavaScript's shortest round-trip form (e.g. 1e+21, 0.5, -3) is valid Lua number syntax.
  return String(n);
}

/** Lua source for `value`; `path` names the field in error messages (e.g. `obj.status.limit`). */
export function toLuaLiteral(value: unknown, path = 'obj'): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return luaNumber(value, path);
  if (Array.isArray(value)) {
    return `{${value.map((item, i) => toLuaLiteral(item, `${path}[${i}]`)).join(', ')}}`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const fields = Object.entries(value).map(
      ([k, v]) => `[${luaString(k)}] = ${toLuaLiteral(v, `${path}.${k}`)}`,
    );
    return `{${fields.join(', ')}}`;
  }
  const what = value instanceof Date ? 'a Date (quote timestamps in YAML)' : typeof value;
  throw new TypeError(`${path}: cannot pass ${what} to Lua; use only JSON-compatible YAML values`);
}
