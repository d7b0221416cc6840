export * from './codec';
export * from './codec-registry';
export * from './json.codec';
export * from './ejson.codec';
export * from './atlas-codecs';
