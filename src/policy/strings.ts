import { type CelList, isCelMap } from '@bufbuild/cel';
import { charge, sizeCost } from './cost.ts';

/**
 * String extension functions with cel-go `ext.Strings` semantics (declared, with their types, in
 * declarations.ts). @bufbuild/cel/ext has the same names, but
 * indexes UTF-16 units where CEL indexes code points (`size()` already counts code points), treats a
 * negative count in `replace` as zero instead of "all", and cannot be metered; these charge the cost meter
 * before producing a result, so `s.replace("", s)` on a large string stops at the cost limit instead of
 * allocating gigabytes.
 */
const codePoints = (s: string): string[] => Array.from(s);

function outOfRange(index: bigint, size: number): Error {
  return new Error(`index ${index} out of range [0, ${size}]`);
}

function checkedIndex(index: bigint, size: number): number {
  if (index < 0n || index > BigInt(size)) throw outOfRange(index, size);
  return Number(index);
}

export function charAt(this: string, index: bigint): string {
  charge(sizeCost(this.length));
  const chars = codePoints(this);
  return chars[checkedIndex(index, chars.length)] ?? '';
}

export function indexOf(this: string, sub: string, from?: bigint): bigint {
  charge(sizeCost(this.length + sub.length));
  const chars = codePoints(this);
  const start = from === undefined ? 0 : checkedIndex(from, chars.length);
  const needle = codePoints(sub);
  for (let i = start; i + needle.length <= chars.length; i++) {
    if (needle.every((c, j) => chars[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

export function lastIndexOf(this: string, sub: string, from?: bigint): bigint {
  charge(sizeCost(this.length + sub.length));
  const chars = codePoints(this);
  const needle = codePoints(sub);
  const last = from === undefined ? chars.length : checkedIndex(from, chars.length);
  for (let i = Math.min(last, chars.length - needle.length); i >= 0; i--) {
    if (needle.every((c, j) => chars[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

function mapAscii(s: string, from: number, to: number, delta: number): string {
  charge(sizeCost(2 * s.length));
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += c.length === 1 && code >= from && code <= to ? String.fromCharCode(code + delta) : c;
  }
  return out;
}

/** Go `strings.Replace`: n < 0 replaces all; an empty `old` matches before every code point and at the end. */
export function replace(this: string, old: string, replacement: string, n?: bigint): string {
  const limit = n === undefined || n < 0n ? Number.POSITIVE_INFINITY : Number(n);
  const parts = old === '' ? ['', ...codePoints(this), ''] : this.split(old);
  const gaps = parts.length - 1;
  const count = Math.min(gaps, limit);
  charge(sizeCost(this.length + count * replacement.length));
  if (old === '') {
    const chars = codePoints(this);
    const head = chars.slice(0, count).map((c) => replacement + c);
    const rest = chars.slice(count).join('');
    return head.join('') + (count > chars.length ? replacement : '') + rest;
  }
  return (
    parts.slice(0, count + 1).join(replacement) + (count < gaps ? old + parts.slice(count + 1).join(old) : '')
  );
}

/** Go `strings.SplitN`: n > 0 at most n pieces (the last holds the rest), n == 0 none, n < 0 all. */
export function split(this: string, separator: string, n?: bigint): string[] {
  charge(sizeCost(2 * this.length));
  const limit = n === undefined || n < 0n ? Number.POSITIVE_INFINITY : Number(n);
  if (limit === 0) return [];
  const all = separator === '' ? codePoints(this) : this.split(separator);
  if (all.length <= limit) return all;
  const kept = all.slice(0, limit - 1);
  return [...kept, all.slice(limit - 1).join(separator)];
}

export function substring(this: string, start: bigint, end?: bigint): string {
  charge(sizeCost(this.length));
  const chars = codePoints(this);
  const from = checkedIndex(start, chars.length);
  const to = end === undefined ? chars.length : checkedIndex(end, chars.length);
  if (from > to) throw new Error(`substring: start ${from} is after end ${to}`);
  return chars.slice(from, to).join('');
}

/** Unicode white space as Go's `unicode.IsSpace` (what cel-go's trim uses). */
const SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

export function trim(this: string): string {
  charge(sizeCost(this.length));
  return this.replace(SPACE, '');
}

export function reverse(this: string): string {
  charge(sizeCost(2 * this.length));
  return codePoints(this).reverse().join('');
}

export function join(this: CelList, separator = ''): string {
  const parts: string[] = [];
  let size = 0;
  for (const item of this) {
    if (typeof item !== 'string') throw new Error('join: the list must contain only strings');
    parts.push(item);
    size += item.length + separator.length;
  }
  charge(sizeCost(2 * size));
  return parts.join(separator);
}

/** Milo's member `obj.has("a.b.c")`: walks nested maps by the dot-separated keys; false for non-maps. */
export function hasPath(this: unknown, path: string): boolean {
  charge(sizeCost(path.length));
  let current: unknown = this;
  for (const key of path.split('.')) {
    if (!isCelMap(current) || !current.has(key)) return false;
    current = current.get(key);
  }
  return true;
}

export function lowerAscii(this: string): string {
  return mapAscii(this, 65, 90, 32);
}

export function upperAscii(this: string): string {
  return mapAscii(this, 97, 122, -32);
}
