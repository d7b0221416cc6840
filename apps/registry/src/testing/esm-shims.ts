/**
 * Import first in any spec that creates the registry app. @fastify/static (which serves the docs UI)
 * requires content-disposition 3, an ES module: Node >= 20.19 loads it through require(esm), Jest's module
 * loader cannot. Only `reply.download()` uses it, which the registry never calls, so specs get a CommonJS
 * stand-in; outside Jest the real package is used.
 */
jest.mock('content-disposition', () => ({
  create: (filename: string) => `attachment; filename="${encodeURIComponent(filename)}"`,
}));
