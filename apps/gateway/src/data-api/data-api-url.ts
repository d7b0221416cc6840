import { DATA_API_ACTIONS, type DataApiAction, type DataApiFacts } from '@portico/contracts';

/** A request for a Data API action: `/app/<appId>/endpoint/data/<version>/action/<action>` (reference §4). */
export interface DataApiTarget {
  version: string;
  action: DataApiAction;
  /** The route part as received, e.g. `/data/v1/action/find` (`context.request.webhookUrl`). */
  path: string;
}

const ACTIONS: ReadonlySet<string> = new Set(DATA_API_ACTIONS);
const PREFIX = '/data/';
const ACTION_SEGMENT = '/action/';

/**
 * The Data API action an endpoint path names, when the app serves the Data API at that version;
 * undefined otherwise, so the path falls through to the app's custom endpoints (which answer 404 when
 * they have no such route, as before). `dataApi` is absent when the app has no enabled Data API.
 */
export function matchDataApi(dataApi: DataApiFacts | undefined, path: string): DataApiTarget | undefined {
  if (dataApi === undefined || !path.startsWith(PREFIX)) return undefined;
  const versionEnd = path.indexOf('/', PREFIX.length);
  if (versionEnd === -1 || !path.startsWith(ACTION_SEGMENT, versionEnd)) return undefined;
  const version = path.slice(PREFIX.length, versionEnd);
  const action = path.slice(versionEnd + ACTION_SEGMENT.length);
  if (!ACTIONS.has(action) || !dataApi.versions.includes(version)) return undefined;
  return { version, action: action as DataApiAction, path };
}
