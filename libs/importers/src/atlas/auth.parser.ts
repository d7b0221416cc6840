import {
  AUTH_PROVIDER_TYPES,
  AuthProviderSpecSchema,
  CustomUserDataSpecSchema,
  type AuthProviderSpec,
  type CustomUserDataSpec,
} from '@portico/contracts';
import { isRecord, type ExportReader } from './export-reader';

export interface ParsedAuth {
  providers?: Record<string, AuthProviderSpec>;
  customUserData?: CustomUserDataSpec;
}

/** Every secret name in a provider's `secret_config` (`signingKeys: [...]`, `clientSecret: "..."`). */
function secretNames(secretConfig: Record<string, unknown>): string[] {
  return Object.values(secretConfig).flatMap((v) =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [],
  );
}

function addProvider(
  reader: ExportReader,
  providers: Record<string, AuthProviderSpec>,
  file: string,
  raw: unknown,
  key: string,
): void {
  if (!isRecord(raw)) {
    reader.error(file, `provider "${key}": must be a JSON object`);
    return;
  }
  const type = typeof raw.type === 'string' ? raw.type : key;
  if (!(AUTH_PROVIDER_TYPES as readonly string[]).includes(type)) {
    reader.ignored.push({ path: `${file}#${key}`, reason: `auth provider type "${type}" is not supported` });
    return;
  }
  const provider = reader.parse(
    file,
    AuthProviderSpecSchema,
    { name: key, type, ...raw },
    `provider "${key}"`,
  );
  if (provider === undefined) return;
  for (const name of secretNames(provider.secret_config))
    reader.referenceSecret(name, `${file}: ${provider.name}`);
  providers[provider.name] = provider;
}

/**
 * `auth/providers.json` (a map by provider name) or the Stitch-era `auth_providers/<name>.json`, and
 * `auth/custom_user_data.json` (reference §1.7). Provider secrets are referenced by name.
 */
export function parseAuth(reader: ExportReader): ParsedAuth {
  const parsed: ParsedAuth = {};
  const providers: Record<string, AuthProviderSpec> = {};
  let any = false;
  if (reader.has('auth/providers.json')) {
    any = true;
    const raw = reader.json('auth/providers.json');
    if (raw !== undefined && !isRecord(raw))
      reader.error('auth/providers.json', 'must be a JSON object keyed by provider name');
    else
      for (const [key, value] of Object.entries(raw ?? {}))
        addProvider(reader, providers, 'auth/providers.json', value, key);
  }
  for (const file of reader.under('auth_providers/')) {
    if (!file.endsWith('.json')) continue;
    any = true;
    const raw = reader.json(file);
    if (raw === undefined) continue;
    const key =
      isRecord(raw) && typeof raw.name === 'string' ? raw.name : file.slice('auth_providers/'.length, -5);
    addProvider(reader, providers, file, raw, key);
  }
  if (any) parsed.providers = providers;
  if (reader.has('auth/custom_user_data.json')) {
    const raw = reader.json('auth/custom_user_data.json');
    if (raw !== undefined)
      parsed.customUserData = reader.parse('auth/custom_user_data.json', CustomUserDataSpecSchema, raw);
  }
  return parsed;
}
