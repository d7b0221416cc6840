/** Provides the gateway's `CodecRegistry<AtlasFormat>` (JSON, EJSON). */
export const ATLAS_CODECS = Symbol('AtlasCodecs');

/**
 * How long "this app does not exist" is remembered. A deployment event for the app clears it at once,
 * so this only bounds how often a client probing unknown ids can reach the registry.
 */
export const UNKNOWN_APP_TTL_MS = 5_000;

/** At most this many unknown app ids are remembered (oldest dropped first). */
export const UNKNOWN_APP_CACHE_SIZE = 10_000;
