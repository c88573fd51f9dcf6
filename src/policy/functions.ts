import {
  type CelFunc,
  CelScalar,
  type CelValue,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
} from '@bufbuild/cel';
import { strings as libraryStrings } from '@bufbuild/cel/ext';
import { charge, deepSize, RANGE_FN, STEP_FN, shallowSize, sizeCost } from './cost.ts';
import { STRING_FUNCTIONS } from './strings.ts';

/**
 * Every function the policy environment offers at runtime. The standard library is re-registered through a
 * metering wrapper (the library lets later registrations replace an overload with the same signature), so
 * each call is charged to the cost meter; see cost.ts for the model. `signatures.ts` is the checker's view of
 * the same set, and a unit test keeps the two in step.
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

const { DYN, STRING, BOOL } = CelScalar;

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

/** cel-go also offers `matches(text, pattern)` as a global; the library only has the member form. */
function globalMatches(member: CelFunc): CelFunc {
  return celFunc('matches', [STRING, STRING], BOOL, (text: string, pattern: string) => {
    chargeCall('matches', [text, pattern]);
    return settle(member.call(0, text, [pattern]), 'matches') === true;
  });
}

export function policyFunctions(): CelFunc[] {
  const library = [...celEnv().funcs];
  const standard = library.map(meteredCopy);
  const matches = library.filter((f) => f.name === 'matches' && f.target !== undefined).map(globalMatches);
  const format = libraryStrings.filter((f) => f.name === 'format').map(meteredCopy);
  return [...standard, ...matches, ...format, ...STRING_FUNCTIONS, ...COST_FUNCTIONS];
}
