import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDirectory, packDirectory } from '@portico/importers';
import { writeZip } from '../../libs/importers/src/testing/zip-writer';
import { CLI_ENTRY, type HttpAnswer, type PlatformUnderTest } from './standalone';

export const EXPORTS = join(__dirname, '../fixtures/atlas-exports');

/** A fixture directory as a tar.gz (as `portico deploy` packs it) or as a zip. */
export async function archiveOf(fixture: string, kind: 'tar.gz' | 'zip'): Promise<Buffer> {
  const dir = join(EXPORTS, fixture);
  if (kind === 'tar.gz') return packDirectory(dir);
  const files = await listDirectory(dir);
  // Zipped the way file managers do it: everything inside one top folder.
  return writeZip(files.map((f) => ({ name: `${fixture}/${f}`, data: readFileSync(join(dir, f)) })));
}

/** `POST /admin/v1/apps/:appId/import` with raw bytes. */
export async function upload(
  platform: PlatformUnderTest,
  appId: string,
  body: Uint8Array,
  contentType = 'application/gzip',
): Promise<HttpAnswer> {
  const res = await fetch(`${platform.adminUrl}/admin/v1/apps/${appId}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.token}`, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `portico` CLI as a child process, optionally feeding `stdin`. */
export function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** The env that points the CLI at a platform. */
export const cliEnv = (platform: PlatformUnderTest): Record<string, string> => ({
  PORTICO_ADMIN_URL: platform.adminUrl,
  PORTICO_URL: platform.gatewayUrl,
  PORTICO_ADMIN_TOKEN: platform.token,
});
