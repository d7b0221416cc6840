#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadCliConfig, loadConfig } from '@portico/config';
import { AdminApiError, AdminClient, networkReason } from './admin-client';
import { CliError, EXIT, UsageError } from './cli-errors';
import { deploy } from './commands/deploy.command';
import { logs } from './commands/logs.command';

const USAGE = `portico — self-hosted custom HTTPS endpoints

Usage:
  portico dev                            run the whole platform in this process (what \`npm start\` runs)
  portico deploy <dir> --app <appId> [--json]
                                         pack an App Services export directory, import it as the app's
                                         next deployment and print the import report
  portico apps [list]                    list apps
  portico apps create <name>             create an app, print it (its id is "<name>-<5 letters>")
  portico apps delete <appId>            delete an app, its deployments, logs and data
  portico secrets set <appId> <name>     set a secret; the value is read from stdin
  portico secrets list <appId>           list the names of an app's secrets
  portico logs <appId> [--limit N] [--follow]
                                         show the invocation log (oldest first); --follow keeps polling
  portico invoke <appId> <METHOD> <route> [--data BODY] [--header 'Name: value']...
                                         call an endpoint and print status, headers and body

Options:
  --admin-url URL   admin API (env PORTICO_ADMIN_URL, default http://127.0.0.1:8081)
  --url URL         data plane (env PORTICO_URL, default http://127.0.0.1:8080)
  --token TOKEN     admin token (env PORTICO_ADMIN_TOKEN, else <data dir>/admin-token)

Exit codes: 0 ok, 1 rejected (import report has errors, request failed), 2 usage, 3 server unreachable
or token refused.
`;

async function dev(): Promise<void> {
  const config = loadConfig();
  const { createLogger } = await import('@portico/logging');
  const logger = createLogger(config.logs.level);
  // Loaded only here: the whole platform is heavy, and every other command should start fast.
  const { startStandalone } = await import('./standalone');
  const platform = await startStandalone(config, logger);
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // `echo value | portico secrets set` adds a newline that is not part of the secret.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function client(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'admin-url': { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      limit: { type: 'string' },
      method: { type: 'string' },
      data: { type: 'string' },
      header: { type: 'string', multiple: true },
      app: { type: 'string' },
      json: { type: 'boolean' },
      follow: { type: 'boolean', short: 'f' },
    },
  });
  const base = loadCliConfig();
  const config = {
    ...base,
    adminUrl: values['admin-url'] ?? base.adminUrl,
    dataPlaneUrl: values.url ?? base.dataPlaneUrl,
    adminToken: values.token ?? base.adminToken,
  };
  const [command, ...args] = positionals;
  const out = (v: unknown) =>
    process.stdout.write(`${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}\n`);
  const app = (id: string) => `/apps/${encodeURIComponent(id)}`;
  switch (command) {
    case 'deploy': {
      if (!args[0]) throw new UsageError('deploy needs a directory');
      if (!values.app) throw new UsageError('deploy needs --app <appId>');
      return deploy(new AdminClient(config), {
        dir: args[0],
        appId: values.app,
        json: values.json ?? false,
        progress: (line) => process.stderr.write(`${line}\n`),
        out: (text) => process.stdout.write(text),
      });
    }
    case 'apps': {
      const admin = new AdminClient(config);
      const [sub = 'list', arg] = args;
      if (sub === 'create') {
        if (!arg) throw new UsageError('apps create needs a name');
        out(await admin.request('POST', '/apps', { name: arg }));
      } else if (sub === 'delete') {
        if (!arg) throw new UsageError('apps delete needs an app id');
        await admin.request('DELETE', app(arg));
        out(`deleted ${arg}`);
      } else if (sub === 'list') {
        out(await admin.request('GET', '/apps'));
      } else throw new UsageError(`unknown apps command '${sub}'`);
      return EXIT.ok;
    }
    case 'secrets': {
      const [sub, appId, name] = args;
      if (sub === 'set') {
        if (!appId || !name) throw new UsageError('secrets set needs an app id and a secret name');
        const admin = new AdminClient(config);
        const value = await readStdin();
        await admin.request('PUT', `${app(appId)}/secrets/${encodeURIComponent(name)}`, { value });
        out(`secret ${name} set`);
      } else if (sub === 'list') {
        if (!appId) throw new UsageError('secrets list needs an app id');
        out(await new AdminClient(config).request('GET', `${app(appId)}/secrets`));
      } else throw new UsageError(sub ? `unknown secrets command '${sub}'` : 'secrets needs set or list');
      return EXIT.ok;
    }
    case 'logs': {
      if (!args[0]) throw new UsageError('logs needs an app id');
      const limit = Number(values.limit ?? '20');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be 1..1000');
      await logs(new AdminClient(config), args[0], { limit, follow: values.follow ?? false, out });
      return EXIT.ok;
    }
    case 'invoke': {
      // `invoke <app> <METHOD> <route>`; the older `invoke <app> <route> [--method M]` still works.
      const methodFirst = args.length >= 3 && HTTP_METHODS.has(args[1].toUpperCase());
      const appId = args[0];
      const route = methodFirst ? args[2] : args[1];
      if (!appId || !route) throw new UsageError('invoke needs an app id, a method and a route');
      const method =
        (methodFirst ? args[1] : values.method)?.toUpperCase() ??
        (values.data === undefined ? 'GET' : 'POST');
      const headers: Record<string, string> = {};
      for (const h of values.header ?? []) {
        const i = h.indexOf(':');
        if (i <= 0) throw new UsageError(`bad --header '${h}' (expected 'Name: value')`);
        headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
      }
      const url = `${config.dataPlaneUrl}/app/${encodeURIComponent(appId)}/endpoint${route.startsWith('/') ? route : `/${route}`}`;
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body: values.data });
      } catch (err) {
        const reason = networkReason(err);
        if (reason === undefined) throw err;
        throw new CliError(
          `cannot reach the data plane at ${config.dataPlaneUrl} (${reason}) (PORTICO_URL)`,
          EXIT.unreachable,
        );
      }
      out(`HTTP ${res.status}`);
      res.headers.forEach((v, k) => out(`${k}: ${v}`));
      out('');
      out(await res.text());
      return res.ok ? EXIT.ok : EXIT.rejected;
    }
    default:
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
}

async function main(argv: string[]): Promise<number | void> {
  if (argv[0] === 'dev') return dev();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  return client(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`portico: ${err.message}\n`);
      process.exit(EXIT.usage);
    } else if (err instanceof UsageError) {
      process.stderr.write(`portico: ${err.message}\n\n${USAGE}`);
      process.exit(err.exitCode);
    } else if (err instanceof CliError) {
      process.stderr.write(`portico: ${err.message}\n`);
      process.exit(err.exitCode);
    } else if (err instanceof AdminApiError) {
      process.stderr.write(`portico: ${err.message}\n`);
      process.exit(EXIT.rejected);
    } else if (
      err instanceof TypeError &&
      /parseArgs|ERR_PARSE_ARGS/.test(String((err as { code?: string }).code))
    ) {
      process.stderr.write(`portico: ${err.message}\n\n${USAGE}`);
      process.exit(EXIT.usage);
    } else {
      process.stderr.write(`portico: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(EXIT.rejected);
    }
  },
);
