// The one declaration of every function the policy CEL environment offers: for each, the checker's signature
// (signatures.ts resolves calls against it) and where its runtime side comes from (functions.ts builds the
// environment's functions from it). A function we implement ourselves (strings.ts) carries its implementation
// on each overload, so its types are written once, here.
import {
  charAt,
  hasPath,
  indexOf,
  join as joinStrings,
  lastIndexOf,
  lowerAscii,
  replace,
  reverse,
  split,
  substring,
  trim,
  upperAscii,
} from './strings.ts';
import { asMap, type CheckType, fits, formatType, isNumeric, join, T } from './types.ts';

/**
 * Our own implementation of an overload (`this` is the target of a member call). Loosely typed so that every
 * arity shares one slot; functions.ts registers it with the overload's declared types.
 */
export type Implementation = (this: never, ...args: never[]) => unknown;

export interface Overload {
  readonly target?: CheckType;
  readonly args: readonly CheckType[];
  readonly result: CheckType;
  /**
   * The runtime side, when it is ours (strings.ts): registered with the types above. 'library-member': the
   * library's member overload of the same name, offered as a global. Absent: the function's `runtime`.
   */
  readonly impl?: Implementation | 'library-member';
}
/** For the generic operators: the result type, or a string explaining why the arguments do not fit. */
export type Resolver = (target: CheckType | undefined, args: readonly CheckType[]) => CheckType | string;
export type Signature = readonly Overload[] | Resolver;

/**
 * Where the runtime side of a function comes from (functions.ts): @bufbuild/cel's standard library or its
 * strings extension (both re-registered through the cost meter), none (an operator the planner evaluates
 * itself, or the `has()` macro the parser expands), or only the overloads' own `impl`.
 */
export type RuntimeSource = 'library' | 'strings-ext' | 'none' | 'own';

export interface Declaration {
  readonly name: string;
  readonly signature: Signature;
  readonly runtime: RuntimeSource;
  /** Declares the member form only (Milo's `obj.has("a.b")`, beside the global `has()` macro). */
  readonly member?: true;
}

const { bool, int, uint, double, string, bytes, timestamp, duration, dyn } = T;
const anyList = T.list(dyn);
const anyMap = T.map(dyn, dyn);

const fn = (args: readonly CheckType[], result: CheckType, impl?: Overload['impl']): Overload => ({
  args,
  result,
  ...(impl === undefined ? {} : { impl }),
});
const method = (
  target: CheckType,
  args: readonly CheckType[],
  result: CheckType,
  impl?: Implementation,
): Overload => ({ target, args, result, ...(impl === undefined ? {} : { impl }) });
const unary = (types: readonly CheckType[]): Overload[] => types.map((t) => fn([t], t));
const binary = (types: readonly CheckType[]): Overload[] => types.map((t) => fn([t, t], t));
const conversions = (from: readonly CheckType[], to: CheckType): Overload[] => from.map((t) => fn([t], to));
const overloadsOn = (
  targets: readonly CheckType[],
  args: readonly CheckType[],
  result: CheckType,
): Overload[] => targets.flatMap((t) => [method(t, args, result), fn([t, ...args], result)]);

const ORDERED = new Set(['bool', 'bytes', 'string', 'timestamp', 'duration']);
const TIME_GETTERS = ['getFullYear', 'getMonth', 'getDayOfYear', 'getDayOfMonth', 'getDate', 'getDayOfWeek'];
const CLOCK_GETTERS = ['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'];

function comparable(a: CheckType, b: CheckType): boolean {
  if (a.kind === 'dyn' || b.kind === 'dyn' || a.kind === 'null' || b.kind === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.kind === 'list' && b.kind === 'list') return comparable(a.elem, b.elem);
  if (asMap(a) && asMap(b)) return true;
  return a.kind === b.kind;
}

const equality: Resolver = (_t, [a = dyn, b = dyn]) =>
  comparable(a, b) ? bool : `${formatType(a)} and ${formatType(b)} can never be equal`;

const ordering: Resolver = (_t, [a = dyn, b = dyn]) => {
  const orderable = (x: CheckType) => x.kind === 'dyn' || isNumeric(x) || ORDERED.has(x.kind);
  const sameFamily =
    a.kind === 'dyn' || b.kind === 'dyn' || (isNumeric(a) && isNumeric(b)) || a.kind === b.kind;
  return orderable(a) && orderable(b) && sameFamily
    ? bool
    : `cannot order ${formatType(a)} against ${formatType(b)}`;
};

const logical: Resolver = (_t, args) =>
  args.every((a) => fits(a, bool)) ? bool : `operands must be bool, got (${args.map(formatType).join(', ')})`;

const conditional: Resolver = (_t, [c = dyn, a = dyn, b = dyn]) =>
  fits(c, bool) ? join(a, b) : `the condition of '? :' must be bool, got ${formatType(c)}`;

const index: Resolver = (_t, [c = dyn, k = dyn]) => {
  if (c.kind === 'dyn') return dyn;
  if (c.kind === 'list')
    return fits(k, int) || fits(k, uint) ? c.elem : `a list index must be int, got ${formatType(k)}`;
  const m = asMap(c);
  if (m)
    return fits(k, m.key)
      ? m.value
      : `a ${formatType(c)} key must be ${formatType(m.key)}, got ${formatType(k)}`;
  if (c.kind === 'string') return 'strings cannot be indexed: use charAt() or substring()';
  return `${formatType(c)} cannot be indexed`;
};

const membership: Resolver = (_t, [_x, c = dyn]) =>
  c.kind === 'dyn' || c.kind === 'list' || asMap(c) ? bool : `'in' needs a list or map, got ${formatType(c)}`;

const hasMacroMisuse: Resolver = () =>
  'has() takes a field selection such as has(trigger.spec.tier); for a dotted path use trigger.has("spec.tier")';

const numbers = [int, uint, double];
const library = (name: string, signature: Signature): Declaration => ({
  name,
  signature,
  runtime: 'library',
});
const builtin = (name: string, signature: Signature): Declaration => ({ name, signature, runtime: 'none' });
const own = (name: string, signature: readonly Overload[]): Declaration => ({
  name,
  signature,
  runtime: 'own',
});

export const DECLARATIONS: readonly Declaration[] = [
  library('!_', [fn([bool], bool)]),
  library('-_', unary([int, double])),
  library('_==_', equality),
  library('_!=_', equality),
  library('_<_', ordering),
  library('_<=_', ordering),
  library('_>_', ordering),
  library('_>=_', ordering),
  library('_+_', [
    ...binary([int, uint, double, string, bytes, duration]),
    fn([anyList, anyList], anyList),
    fn([timestamp, duration], timestamp),
    fn([duration, timestamp], timestamp),
  ]),
  library('_-_', [
    ...binary([int, uint, double, duration]),
    fn([timestamp, timestamp], duration),
    fn([timestamp, duration], timestamp),
  ]),
  library('_*_', binary(numbers)),
  library('_/_', binary(numbers)),
  library('_%_', binary([int, uint])),
  builtin('_&&_', logical),
  builtin('_||_', logical),
  builtin('@not_strictly_false', [fn([bool], bool)]),
  builtin('_?_:_', conditional),
  builtin('_[_]', index),
  library('@in', membership),
  // A global has() that survived macro expansion had no field selection; the member form is below.
  builtin('has', hasMacroMisuse),
  { name: 'has', signature: [method(dyn, [string], bool, hasPath)], runtime: 'own', member: true },
  library('dyn', () => dyn),
  library('type', () => T.type),
  library('size', overloadsOn([string, bytes, anyList, anyMap], [], int)),
  library('contains', [method(string, [string], bool)]),
  library('startsWith', [method(string, [string], bool)]),
  library('endsWith', [method(string, [string], bool)]),
  // cel-go also offers `matches(text, pattern)` as a global; the library only has the member form.
  library('matches', [method(string, [string], bool), fn([string, string], bool, 'library-member')]),
  library('int', conversions([int, uint, double, string, timestamp, duration], int)),
  library('uint', conversions([uint, int, double, string], uint)),
  library('double', conversions([double, int, uint, string], double)),
  library('bool', conversions([bool, string], bool)),
  library('bytes', conversions([bytes, string], bytes)),
  library('string', conversions([string, bool, int, uint, double, bytes, timestamp, duration], string)),
  library('timestamp', conversions([timestamp, string, int], timestamp)),
  library('duration', conversions([duration, string, int], duration)),
  ...TIME_GETTERS.map((name) =>
    library(name, [method(timestamp, [], int), method(timestamp, [string], int)]),
  ),
  ...CLOCK_GETTERS.map((name) =>
    library(name, [method(timestamp, [], int), method(timestamp, [string], int), method(duration, [], int)]),
  ),
  // String extensions with cel-go ext.Strings semantics, metered (strings.ts).
  own('charAt', [method(string, [int], string, charAt)]),
  own('indexOf', [method(string, [string], int, indexOf), method(string, [string, int], int, indexOf)]),
  own('lastIndexOf', [
    method(string, [string], int, lastIndexOf),
    method(string, [string, int], int, lastIndexOf),
  ]),
  own('lowerAscii', [method(string, [], string, lowerAscii)]),
  own('upperAscii', [method(string, [], string, upperAscii)]),
  own('trim', [method(string, [], string, trim)]),
  own('reverse', [method(string, [], string, reverse)]),
  own('replace', [
    method(string, [string, string], string, replace),
    method(string, [string, string, int], string, replace),
  ]),
  own('split', [
    method(string, [string], T.list(string), split),
    method(string, [string, int], T.list(string), split),
  ]),
  own('substring', [method(string, [int], string, substring), method(string, [int, int], string, substring)]),
  own('join', [
    method(T.list(string), [], string, joinStrings),
    method(T.list(string), [string], string, joinStrings),
  ]),
  { name: 'format', signature: [method(string, [anyList], string)], runtime: 'strings-ext' },
];
