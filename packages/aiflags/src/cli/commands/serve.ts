import type { Command } from 'commander';
import { withRuntime } from '../../runtime.js';
import { serveAuthProblem, startServe } from '../../serve/index.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable } from '../printable.js';

interface ServeOptions {
  host: string;
  port: string;
  logRequests?: boolean;
  actor?: string;
}

/** `aiflags serve`: the flag file over OFREP for apps in any language, until SIGTERM or SIGINT. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the flags over OFREP (OpenFeature Remote Evaluation Protocol) until SIGTERM; prints the URL')
    .option('--host <host>', 'address to bind (a non-loopback address needs AIFLAGS_SERVE_TOKEN)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8016')
    .option('--actor <name>', 'who console kills and revives are attributed to when the request has no token (default: the OS user)')
    .option('--log-requests', 'one line per request on stderr: method, path, status, ms')
    .action(
      action(async (opts: ServeOptions, command: Command) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`serve: --port must be an integer from 0 to 65535, got '${opts.port}'`);
        const flagsPath = flagsPathFor(command);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const problem = serveAuthProblem(opts.host, runtime.spec.serve);
          if (problem !== undefined) throw new CliError(problem);
          const running = await startServe(runtime, {
            host: opts.host,
            port,
            ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
            ...(opts.logRequests ? { log: (line: string) => process.stderr.write(`${printable(line)}\n`) } : {}),
          });
          const auth = runtime.spec.serve.tokens.length > 0 ? ', token required' : '';
          process.stdout.write(
            `aiflags serve: OFREP on ${running.url} (flags ${printable(runtime.flagsPath)}, live state ${printable(runtime.spec.storeLabel)}${auth})\n`,
          );
          const signal = await nextSignal();
          process.stdout.write(`aiflags serve: ${signal}, draining in-flight requests\n`);
          await running.close();
        });
      }),
    );
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
