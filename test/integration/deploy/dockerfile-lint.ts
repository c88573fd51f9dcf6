// A structural check of the Dockerfile, standing in for hadolint (not packaged for Debian, and no image
// can be built here). It checks what matters for this image: stages, pinned bases, a numeric non-root
// user, COPY over ADD, exec-form entry point, reproducible installs. Each problem names the line and fix.

export interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

export interface LintOptions {
  /** The Node major the image must run (package.json engines). */
  readonly nodeMajor: number;
  /** The command the image must start, e.g. ['node', 'src/operator/main.ts']. */
  readonly entrypoint: readonly string[];
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined
        ? { line: index + 1, text: part }
        : { ...pending, text: `${pending.text} ${part}` };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match)
      out.push({ line: pending.line, keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' });
    pending = undefined;
  });
  return out;
}

const PINNED_TAG = /:(\d+\.\d+\.\d+)(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;
const DIGEST = /@sha256:[0-9a-f]{64}$/;

function resolveArgs(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
    return args.get(a ?? b ?? '') ?? '';
  });
}

export function lintDockerfile(text: string, options: LintOptions): string[] {
  const instructions = parseDockerfile(text);
  const problems: string[] = [];
  const at = (i: Instruction, message: string) => problems.push(`line ${i.line} (${i.keyword}): ${message}`);
  const args = new Map<string, string>();
  const stages: string[] = [];
  let lastUser: Instruction | undefined;
  let entrypoint: Instruction | undefined;

  for (const i of instructions) {
    switch (i.keyword) {
      case 'ARG': {
        const [name, value] = i.args.split('=', 2);
        if (name && value !== undefined && stages.length === 0) args.set(name.trim(), value.trim());
        break;
      }
      case 'FROM': {
        const [image = '', as, alias] = i.args.split(/\s+/);
        const resolved = resolveArgs(image, args);
        if (stages.includes(resolved)) {
          // FROM an earlier stage: nothing to pin
        } else if (resolved === '') {
          at(i, `base image "${image}" is empty; give the ARG a default`);
        } else if (!PINNED_TAG.test(resolved) && !DIGEST.test(resolved)) {
          at(
            i,
            `base image "${resolved}" is not pinned; use an exact version tag (x.y.z) or a @sha256 digest`,
          );
        } else if (resolved.startsWith('node:') && !resolved.startsWith(`node:${options.nodeMajor}.`)) {
          at(i, `base image "${resolved}" is not Node ${options.nodeMajor} (package.json engines)`);
        }
        if (as?.toUpperCase() === 'AS' && alias) stages.push(alias);
        else stages.push(`#${stages.length}`);
        lastUser = undefined;
        entrypoint = undefined;
        break;
      }
      case 'ADD':
        at(i, 'use COPY (ADD fetches URLs and unpacks archives implicitly)');
        break;
      case 'COPY': {
        const from = /--from=(\S+)/.exec(i.args)?.[1];
        if (from !== undefined && !stages.slice(0, -1).includes(from)) {
          at(
            i,
            `--from=${from} is not an earlier stage (stages: ${stages.slice(0, -1).join(', ') || 'none'})`,
          );
        }
        break;
      }
      case 'WORKDIR':
        if (!resolveArgs(i.args, args).startsWith('/'))
          at(i, `WORKDIR "${i.args}" is relative; use an absolute path`);
        break;
      case 'RUN':
        if (/(^|[;&|]\s*)cd\s/.test(i.args)) at(i, 'use WORKDIR instead of cd');
        if (/\bsudo\b/.test(i.args)) at(i, 'do not use sudo');
        if (/\bnpm (install|i)\b/.test(i.args)) at(i, 'use npm ci (installs exactly package-lock.json)');
        if (/\bnpm ci\b/.test(i.args) && !/--omit=dev/.test(i.args))
          at(i, 'npm ci without --omit=dev ships devDependencies');
        if (/\b(curl|wget)\b.*\|\s*(ba)?sh\b/.test(i.args)) at(i, 'do not pipe downloads into a shell');
        break;
      case 'ENV':
        if (/\b\w*(PASSWORD|SECRET|TOKEN|API_KEY)\w*\s*=/i.test(i.args))
          at(i, 'secrets do not belong in ENV');
        break;
      case 'USER':
        lastUser = i;
        break;
      case 'ENTRYPOINT':
      case 'CMD':
        entrypoint = i;
        break;
    }
  }

  const first = instructions[0];
  if (stages.length < 2 && first)
    at(first, `${stages.length} stage(s); build in a separate stage (multi-stage)`);
  const end = instructions.at(-1) ?? { line: 0, keyword: 'EOF', args: '' };
  if (lastUser === undefined) {
    at(end, 'the final stage runs as root; add USER <uid>:<gid> (numeric, so runAsNonRoot can check it)');
  } else {
    const [uid = '', gid] = lastUser.args.trim().split(':');
    if (!/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid))) {
      at(
        lastUser,
        `USER "${lastUser.args}" is not numeric; Kubernetes' runAsNonRoot can only check a numeric uid`,
      );
    } else if (Number(uid) === 0) {
      at(lastUser, 'USER 0 is root');
    }
  }
  if (entrypoint === undefined) {
    at(end, 'the final stage has no ENTRYPOINT or CMD');
  } else {
    let command: unknown;
    try {
      command = JSON.parse(entrypoint.args);
    } catch {
      command = undefined;
    }
    if (!Array.isArray(command)) {
      at(entrypoint, 'use the exec form ["node", ...] so the process gets SIGTERM (no shell as PID 1)');
    } else if (JSON.stringify(command) !== JSON.stringify(options.entrypoint)) {
      at(entrypoint, `starts ${JSON.stringify(command)}, expected ${JSON.stringify(options.entrypoint)}`);
    }
  }
  return problems;
}
