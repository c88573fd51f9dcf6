// Runs an Argo CD health script under the real Lua 5.1 interpreter (`lua5.1`), the language version of
// Argo CD's gopher-lua, in a sandbox that mimics argocd-cm scripts: the global `obj`, base functions
// only, and no string methods, so a script that leans on `string.*`, `table.*` or `s:sub()` fails here
// as it would in Argo CD.
import { spawnSync } from 'node:child_process';
import { luaString, toLuaLiteral } from './lua-literal.ts';

export const LUA = process.env.LUA ?? 'lua5.1';

export interface HealthStatus {
  readonly status: string;
  readonly message: string;
}

/** Why `lua5.1` cannot run, or undefined when it can. */
export function luaUnavailable(): string | undefined {
  const probe = spawnSync(LUA, ['-v'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return undefined;
  const why = probe.error?.message ?? `exit ${probe.status}: ${probe.stderr}`;
  return `${LUA} is not runnable (${why}); install it with scripts/ensure-lua.sh`;
}

// Lua 5.1 base library: what an argocd-cm health script may call (Argo CD also opens `table` and a
// reduced `os`, but our scripts promise not to need them).
const BASE = [
  'assert',
  'error',
  'ipairs',
  'next',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawset',
  'select',
  'tonumber',
  'tostring',
  'type',
  'unpack',
  'xpcall',
  'getmetatable',
  'setmetatable',
  '_VERSION',
];

function driver(source: string, chunkName: string, obj: unknown): string {
  return `
local write, exit, stderr = io.write, os.exit, io.stderr
local env = { obj = ${toLuaLiteral(obj)} }
for _, name in ipairs({ ${BASE.map(luaString).join(', ')} }) do env[name] = _G[name] end
env._G = env
local chunk, err = loadstring(${luaString(source)}, ${luaString(`=${chunkName}`)})
if not chunk then stderr:write("syntax error: ", err, "\\n"); exit(2) end
setfenv(chunk, env)
local strings = getmetatable("")
strings.__index = function(_, key)
  error("string method '" .. tostring(key) .. "' is unavailable: Argo CD runs health scripts without the string library", 2)
end
local ok, hs = pcall(chunk)
strings.__index = string
if not ok then stderr:write("runtime error: ", tostring(hs), "\\n"); exit(3) end
if type(hs) ~= "table" then stderr:write("script returned ", type(hs), ", not a table\\n"); exit(4) end
if type(hs.status) ~= "string" then stderr:write("hs.status is ", type(hs.status), ", not a string\\n"); exit(4) end
if hs.message ~= nil and type(hs.message) ~= "string" then
  stderr:write("hs.message is ", type(hs.message), ", not a string\\n"); exit(4)
end
write(hs.status, "\\n", hs.message or "")
`;
}

/** Evaluates `source` against `obj`; throws with Lua's stderr when the script fails or returns junk. */
export function runHealthScript(source: string, obj: unknown, chunkName = 'health.lua'): HealthStatus {
  const run = spawnSync(LUA, ['-'], {
    input: driver(source, chunkName, obj),
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (run.error !== undefined) throw new Error(`${LUA}: ${run.error.message}; run scripts/ensure-lua.sh`);
  if (run.status !== 0) throw new Error(`${chunkName} failed (exit ${run.status}): ${run.stderr.trim()}`);
  const newline = run.stdout.indexOf('\n');
  return { status: run.stdout.slice(0, newline), message: run.stdout.slice(newline + 1) };
}
