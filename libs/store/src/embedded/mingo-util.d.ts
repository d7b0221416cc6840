// mingo publishes `mingo/util` through package.json "exports" only, which this repo's `moduleResolution:
// node` does not read; Node and jest do. This maps the subpath to the declarations mingo ships.
declare module 'mingo/util' {
  export * from 'mingo/types/util/index';
}
