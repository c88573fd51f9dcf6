// The checker's side of the function declarations (declarations.ts): resolves a call's result type against
// the declared overloads or resolver.
import { DECLARATIONS, type Signature } from './declarations.ts';
import { type CheckType, fits, formatType, join, T } from './types.ts';

const dyn = T.dyn;

/** Every declared function by name (the global form where a name has a separate member declaration). */
export const SIGNATURES: ReadonlyMap<string, Signature> = new Map(
  DECLARATIONS.filter((d) => d.member !== true).map((d) => [d.name, d.signature]),
);

/** Declarations of a member form apart from the global one (Milo's `obj.has("a.b")` beside the macro). */
const MEMBER_SIGNATURES: ReadonlyMap<string, Signature> = new Map(
  DECLARATIONS.filter((d) => d.member === true).map((d) => [d.name, d.signature]),
);

/** Resolves a call's result type, or returns an error message. */
export function resolveCall(
  name: string,
  target: CheckType | undefined,
  args: readonly CheckType[],
): CheckType | string {
  const signature = (target === undefined ? undefined : MEMBER_SIGNATURES.get(name)) ?? SIGNATURES.get(name);
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
