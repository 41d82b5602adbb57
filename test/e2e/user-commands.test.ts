import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/daemon';
import { ARTIFACTS } from './support/extension-browser';
import { namedCommands } from './support/named-commands';

/**
 * The first step of the path a new user walks, with only Node and npm on PATH (no pnpm): every
 * command the panel and the README name runs. The panel's half is user-path.test.ts.
 */
const binDir = mkdtempSync(join(tmpdir(), 'loupe-bin-'));
const cmdHome = mkdtempSync(join(tmpdir(), 'loupe-cmd-home-'));
/** The user's PATH: the linked `loupe`, Node and npm, the system, and no pnpm. */
const PATH = [binDir, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
const userEnv = (extra: Record<string, string> = {}) => {
  const env: Record<string, string> = { HOME: process.env.HOME ?? tmpdir(), PATH, LOUPE_HOME: cmdHome, LOUPE_BIN_DIR: binDir, LOUPE_NATIVE_MANIFEST_DIRS: '', ...extra };
  return env;
};
function sh(command: string, extra: Record<string, string> = {}, cwd = tmpdir()) {
  const r = spawnSync('sh', ['-c', command], { cwd, env: userEnv(extra), encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** `npm run X`: the script exists, never calls pnpm by name, and each step resolves (bootstrap steps dry-run). */
function checkScript(name: string, seen = new Set<string>()): void {
  const body = scripts[name];
  expect(body, `package.json has no "${name}" script`).toBeDefined();
  expect(body).not.toMatch(/(^|[\s&;])pnpm\s/);
  if (seen.has(name)) return;
  seen.add(name);
  for (const part of body!.split('&&').map((p) => p.trim())) {
    const [bin, ...args] = part.split(/\s+/);
    if (bin === 'npm') checkScript(args[0] === 'run' ? args[1]! : args[0]!, seen);
    else if (bin === 'node') expect(existsSync(join(REPO_ROOT, args[0]!)), part).toBe(true);
    else expect(existsSync(join(REPO_ROOT, 'node_modules', '.bin', bin!)), `${bin} (from "${name}") is not installed`).toBe(true);
  }
}

describe('every command a user is told to run, with only Node and npm', () => {
  beforeAll(() => {
    expect(sh('command -v pnpm').code, 'this test needs a PATH without pnpm').not.toBe(0);
    // The README's install step (quickstart runs it too): pinned pnpm, install, and the `loupe` link.
    const install = sh('npm run install:deps', {}, REPO_ROOT);
    expect(install.code, install.out).toBe(0);
    expect(install.out).toContain(`linked the \`loupe\` command: ${join(binDir, 'loupe')}`);
  }, 300_000);
  afterAll(() => {
    rmSync(binDir, { recursive: true, force: true });
    rmSync(cmdHome, { recursive: true, force: true });
  });

  it('finds the commands in messages.json and the README', () => {
    const commands = namedCommands().map((c) => c.command);
    expect(commands).toEqual(expect.arrayContaining(['loupe start', 'loupe pair', 'loupe token', 'npm run build', 'npm run quickstart']));
    expect(commands.join('\n')).not.toMatch(/pnpm/);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'named-commands.txt'), namedCommands().map((c) => `${c.command}    (${c.source})`).join('\n') + '\n');
  });

  it('the pinned pnpm runs for package scripts without a global one', () => {
    const r = sh('node scripts/bootstrap.mjs pnpm --version', {}, REPO_ROOT);
    expect(r.code, r.out).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager.split('@')[1]);
    const build = sh('npm run build', { LOUPE_DRY_RUN: '1' }, REPO_ROOT);
    expect(build.code, build.out).toBe(0);
    expect(build.out).toMatch(/\[dry run\] node \S*\.cache\/pnpm\/node_modules\/pnpm\/bin\/pnpm\.cjs --filter @loupe\/extension build/);
  });

  for (const { command, source } of namedCommands()) {
    it(`${command}   (${source})`, () => {
      if (command.startsWith('loupe')) {
        // From an unrelated directory: the linked command, not a script of the checkout.
        const r = sh(`${command} --help`);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toMatch(/loupe/);
        return;
      }
      const [, verb, name] = command.split(/\s+/);
      const script = verb === 'run' ? name! : verb!;
      checkScript(script);
      if (scripts[script]!.startsWith('node scripts/bootstrap.mjs')) {
        const r = sh(command, { LOUPE_DRY_RUN: '1' }, REPO_ROOT);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toContain('[dry run]');
      } else if (!scripts[script]!.includes('&&')) {
        const r = sh(`${command}${command.includes(' -- ') ? '' : ' --'} --help`, {}, REPO_ROOT);
        expect(r.code, r.out).toBe(0);
      }
    });
  }
});

