import { asMap, type CheckType, fits, formatType, isNumeric, join, T } from './types.ts';

/**
 * The checker's view of every function the environment offers (`functions.ts` provides the runtime side):
 * CEL's standard library, the string extensions and Milo's member `has`. A function is a list of overloads,
 * or a resolver for the generic operators. A resolver returns the result type, or a string explaining why the
 * arguments do not fit.
 */
interface Overload {
  readonly target?: CheckType;
  readonly args: readonly CheckType[];
  readonly result: CheckType;
}
type Resolver = (target: CheckType | undefined, args: readonly CheckType[]) => CheckType | string;
type Signature = readonly Overload[] | Resolver;

const { bool, int, uint, double, string, bytes, timestamp, duration, dyn } = T;
const anyList = T.list(dyn);
const anyMap = T.map(dyn, dyn);

const fn = (args: readonly CheckType[], result: CheckType): Overload => ({ args, result });
const method = (target: CheckType, args: readonly CheckType[], result: CheckType): Overload => ({
  target,
  args,
  result,
});
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
const onString = (args: readonly CheckType[], result: CheckType) => [method(string, args, result)];

export const SIGNATURES: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  ['!_', [fn([bool], bool)]],
  ['-_', unary([int, double])],
  ['_==_', equality],
  ['_!=_', equality],
  ['_<_', ordering],
  ['_<=_', ordering],
  ['_>_', ordering],
  ['_>=_', ordering],
  [
    '_+_',
    [
      ...binary([int, uint, double, string, bytes, duration]),
      fn([anyList, anyList], anyList),
      fn([timestamp, duration], timestamp),
      fn([duration, timestamp], timestamp),
    ],
  ],
  [
    '_-_',
    [
      ...binary([int, uint, double, duration]),
      fn([timestamp, timestamp], duration),
      fn([timestamp, duration], timestamp),
    ],
  ],
  ['_*_', binary(numbers)],
  ['_/_', binary(numbers)],
  ['_%_', binary([int, uint])],
  ['_&&_', logical],
  ['_||_', logical],
  ['@not_strictly_false', [fn([bool], bool)]],
  ['_?_:_', conditional],
  ['_[_]', index],
  ['@in', membership],
  // A global has() that survived macro expansion had no field selection; the member form is MEMBER_HAS.
  ['has', hasMacroMisuse],
  ['dyn', () => dyn],
  ['type', () => T.type],
  ['size', overloadsOn([string, bytes, anyList, anyMap], [], int)],
  ['contains', onString([string], bool)],
  ['startsWith', onString([string], bool)],
  ['endsWith', onString([string], bool)],
  ['matches', [...onString([string], bool), fn([string, string], bool)]],
  ['int', conversions([int, uint, double, string, timestamp, duration], int)],
  ['uint', conversions([uint, int, double, string], uint)],
  ['double', conversions([double, int, uint, string], double)],
  ['bool', conversions([bool, string], bool)],
  ['bytes', conversions([bytes, string], bytes)],
  ['string', conversions([string, bool, int, uint, double, bytes, timestamp, duration], string)],
  ['timestamp', conversions([timestamp, string, int], timestamp)],
  ['duration', conversions([duration, string, int], duration)],
  ...TIME_GETTERS.map((name): [string, Signature] => [
    name,
    [method(timestamp, [], int), method(timestamp, [string], int)],
  ]),
  ...CLOCK_GETTERS.map((name): [string, Signature] => [
    name,
    [method(timestamp, [], int), method(timestamp, [string], int), method(duration, [], int)],
  ]),
  // String extensions (cel-go ext.Strings semantics; runtime in strings.ts).
  ['charAt', [method(string, [int], string)]],
  ['indexOf', [method(string, [string], int), method(string, [string, int], int)]],
  ['lastIndexOf', [method(string, [string], int), method(string, [string, int], int)]],
  ['lowerAscii', [method(string, [], string)]],
  ['upperAscii', [method(string, [], string)]],
  ['trim', [method(string, [], string)]],
  ['reverse', [method(string, [], string)]],
  ['replace', [method(string, [string, string], string), method(string, [string, string, int], string)]],
  ['split', [method(string, [string], T.list(string)), method(string, [string, int], T.list(string))]],
  ['substring', [method(string, [int], string), method(string, [int, int], string)]],
  ['join', [method(T.list(string), [], string), method(T.list(string), [string], string)]],
  ['format', [method(string, [anyList], string)]],
]);

/** Milo's member `obj.has("a.b.c")` (walks nested maps; false when obj is not a map), told apart from the
 * `has()` macro by its receiver. */
const MEMBER_HAS: readonly Overload[] = [method(dyn, [string], bool)];

/** Resolves a call's result type, or returns an error message. */
export function resolveCall(
  name: string,
  target: CheckType | undefined,
  args: readonly CheckType[],
): CheckType | string {
  const signature = name === 'has' && target !== undefined ? MEMBER_HAS : SIGNATURES.get(name);
  const shown = describeCall(name, target, args);
  if (signature === undefined) return `undeclared function '${displayName(name)}' (${shown})`;
  if (typeof signature === 'function') {
    const result = signature(target, args);
    return typeof result === 'string' ? `${result} (${shown})` : result;
  }
  const candidates = signature.filter(
    (o) =>
      (o.target === undefined) === (target === undefined) &&
      (o.target === undefined || target === undefined || fits(target, o.target)) &&
      o.args.length === args.length &&
      o.args.every((a, i) => fits(args[i] ?? dyn, a)),
  );
  const [first, ...rest] = candidates;
  if (first === undefined) return `found no matching overload for ${shown}`;
  return rest.reduce((acc, o) => join(acc, o.result), first.result);
}

const DISPLAY: Readonly<Record<string, string>> = {
  '@in': 'in',
  '_[_]': '[]',
  '_?_:_': '? :',
  '!_': '!',
  '-_': '-',
  '@not_strictly_false': 'loop condition',
};

function displayName(name: string): string {
  return DISPLAY[name] ?? name.replace(/^_(.*)_$/, '$1');
}

function describeCall(name: string, target: CheckType | undefined, args: readonly CheckType[]): string {
  const argList = args.map(formatType).join(', ');
  return target === undefined
    ? `'${displayName(name)}' applied to (${argList})`
    : `'${displayName(name)}' on ${formatType(target)} with (${argList})`;
}
