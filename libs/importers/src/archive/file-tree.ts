/** An export held in memory: `/`-separated relative paths (no `.`/`..` segments) to file contents. */
export type FileTree = Map<string, Buffer>;
