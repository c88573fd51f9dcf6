import {
  type CelFunc,
  CelScalar,
  type CelType,
  type CelValue,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  listType,
  mapType,
} from '@bufbuild/cel';
import { strings as libraryStrings } from '@bufbuild/cel/ext';
import { charge, deepSize, RANGE_FN, STEP_FN, shallowSize, sizeCost } from './cost.ts';
import { DECLARATIONS, type Implementation, type Overload } from './declarations.ts';
import { type CheckType, formatType } from './types.ts';

/**
 * Every function the policy environment offers at runtime, built from the declarations (declarations.ts).
 * The standard library is re-registered through a metering wrapper (the library lets later registrations
 * replace an overload with the same signature), so each call is charged to the cost meter; see cost.ts for
 * the model. Our own overloads are registered with the types declared for the checker.
 */
const DEEP = new Set(['_==_', '_!=_', '@in']);
const DEEP_CAP = 100_000_000;

function chargeCall(name: string, values: readonly CelValue[]): void {
  let size = 0;
  for (const v of values) size += DEEP.has(name) ? deepSize(v, DEEP_CAP) : shallowSize(v);
  charge(sizeCost(size));
}

function settle(result: ReturnType<CelFunc['call']>, name: string): CelValue {
  if (result === undefined) throw new Error(`found no matching overload for '${name}'`);
  if (isCelError(result)) throw result;
  if (typeof result === 'string') charge(sizeCost(result.length) - 1);
  return result;
}

/** The same overload, charging the meter before delegating to the library's implementation. */
function meteredCopy(f: CelFunc): CelFunc {
  if (f.target === undefined) {
    return celFunc(f.name, f.arguments, f.result, (...args: CelValue[]) => {
      chargeCall(f.name, args);
      return settle(f.call(0, undefined, args), f.name);
    });
  }
  return celMethod(f.name, f.target, f.arguments, f.result, function (this: CelValue, ...args: CelValue[]) {
    chargeCall(f.name, [this, ...args]);
    return settle(f.call(0, this, args), f.name);
  });
}

const { DYN, STRING, BOOL, INT, UINT, DOUBLE, BYTES } = CelScalar;
const SCALARS: Readonly<Record<string, CelType>> = {
  dyn: DYN,
  bool: BOOL,
  int: INT,
  uint: UINT,
  double: DOUBLE,
  string: STRING,
  bytes: BYTES,
};

/** The runtime type an own overload is registered with: lists and maps of anything (dispatch reads the kind). */
function celTypeOf(t: CheckType, name: string): CelType {
  if (t.kind === 'list') return listType(DYN);
  if (t.kind === 'map') return mapType(DYN, DYN);
  const scalar = SCALARS[t.kind];
  if (scalar === undefined)
    throw new Error(
      `declarations.ts: '${name}' uses ${formatType(t)}, which own overloads cannot register yet`,
    );
  return scalar;
}

function ownFunction(name: string, o: Overload, impl: Implementation): CelFunc {
  const args = o.args.map((a) => celTypeOf(a, name));
  const result = celTypeOf(o.result, name);
  // the declared types are the implementation's (strings.ts); the loose Implementation type needs the cast
  return o.target === undefined
    ? celFunc(name, args, result, impl as never)
    : celMethod(name, celTypeOf(o.target, name), args, result, impl as never);
}

/** Identity functions the cost instrumentation wraps around comprehension ranges and loop conditions. */
const COST_FUNCTIONS: readonly CelFunc[] = [
  celFunc(RANGE_FN, [DYN], DYN, (range: CelValue) => {
    charge(sizeCost(shallowSize(range)));
    return range;
  }),
  celFunc(STEP_FN, [DYN], DYN, (condition: CelValue) => {
    charge(1);
    return condition;
  }),
];

/** A global form of the library's member overload (cel-go's `matches(text, pattern)`). */
function globalOfMember(name: string, member: CelFunc): CelFunc {
  return celFunc(name, [STRING, STRING], BOOL, (text: string, pattern: string) => {
    chargeCall(name, [text, pattern]);
    return settle(member.call(0, text, [pattern]), name) === true;
  });
}

export function policyFunctions(): CelFunc[] {
  const library = [...celEnv().funcs];
  // Every library overload is metered, declared or not: an undeclared one must not escape the cost limit
  // (and a unit test fails on it, as the checker would not know it).
  const standard = library.map(meteredCopy);
  const own: CelFunc[] = [];
  for (const d of DECLARATIONS) {
    if (d.runtime === 'strings-ext')
      own.push(...libraryStrings.filter((f) => f.name === d.name).map(meteredCopy));
    if (typeof d.signature === 'function') continue;
    for (const o of d.signature) {
      if (o.impl === undefined) continue;
      if (o.impl !== 'library-member') {
        own.push(ownFunction(d.name, o, o.impl));
        continue;
      }
      const member = library.find((f) => f.name === d.name && f.target !== undefined);
      if (member === undefined) throw new Error(`declarations.ts: the library has no member '${d.name}'`);
      own.push(globalOfMember(d.name, member));
    }
  }
  return [...standard, ...own, ...COST_FUNCTIONS];
}
