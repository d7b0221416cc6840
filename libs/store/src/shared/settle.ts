/**
 * Runs synchronous store work (better-sqlite3 is synchronous) behind the port's promise API, so a
 * thrown error becomes a rejection rather than escaping the caller's `.catch`.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
