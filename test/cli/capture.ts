import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

/** Runs the CLI in this process with captured output: fast, for parsing and help. */
export async function cli(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithEnv(process.env, ...argv);
}

/** The same, with the environment the commands read their settings from. */
export async function cliWithEnv(
  env: NodeJS.ProcessEnv,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await runCli(argv, { streams: { stdout, stderr }, env });
  return { code, stdout: out, stderr: err };
}
