#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadCliConfig, loadConfig } from '@portico/config';
import { createLogger } from '@portico/logging';
import { AdminClient } from './admin-client';
import { startStandalone } from './standalone';

const USAGE = `portico — self-hosted custom HTTPS endpoints

Usage:
  portico dev                          run the whole platform in this process (what \`npm start\` runs)
  portico apps                         list apps
  portico apps create <name>           create an app, print its id
  portico logs <appId> [--limit N]     show an app's invocation log, newest first
  portico invoke <appId> <route> [--method M] [--data BODY] [--header 'Name: value']...
                                       call an endpoint and print status, headers and body

Options:
  --admin-url URL   admin API (env PORTICO_ADMIN_URL, default http://127.0.0.1:8081)
  --url URL         data plane (env PORTICO_URL, default http://127.0.0.1:8080)
  --token TOKEN     admin token (env PORTICO_ADMIN_TOKEN, else <data dir>/admin-token)
`;

async function dev(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logs.level);
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

async function client(argv: string[]): Promise<void> {
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
  switch (command) {
    case 'apps': {
      const admin = new AdminClient(config);
      if (args[0] === 'create') {
        if (!args[1]) throw new UsageError('apps create needs a name');
        out(await admin.request('POST', '/apps', { name: args[1] }));
      } else {
        out(await admin.request('GET', '/apps'));
      }
      return;
    }
    case 'logs': {
      if (!args[0]) throw new UsageError('logs needs an app id');
      const limit = values.limit ?? '20';
      out(
        await new AdminClient(config).request(
          'GET',
          `/apps/${encodeURIComponent(args[0])}/logs?limit=${encodeURIComponent(limit)}`,
        ),
      );
      return;
    }
    case 'invoke': {
      const [appId, route] = args;
      if (!appId || !route) throw new UsageError('invoke needs an app id and a route');
      const headers: Record<string, string> = {};
      for (const h of values.header ?? []) {
        const i = h.indexOf(':');
        if (i <= 0) throw new UsageError(`bad --header '${h}' (expected 'Name: value')`);
        headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
      }
      const res = await fetch(
        `${config.dataPlaneUrl}/app/${encodeURIComponent(appId)}/endpoint${route.startsWith('/') ? route : `/${route}`}`,
        {
          method: values.method ?? (values.data === undefined ? 'GET' : 'POST'),
          headers,
          body: values.data,
        },
      );
      out(`HTTP ${res.status}`);
      res.headers.forEach((v, k) => out(`${k}: ${v}`));
      out('');
      out(await res.text());
      if (!res.ok) process.exitCode = 1;
      return;
    }
    default:
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'dev') return dev();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  return client(argv);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`portico: ${err.message}\n`);
  else if (err instanceof UsageError) process.stderr.write(`portico: ${err.message}\n\n${USAGE}`);
  else process.stderr.write(`portico: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
