export * from './api-key';
export * from './api-key-matcher';
export * from './payload-signature';
export * from './secret-compare';
export * from './expressions';
export * from './password-hash';
export * from './app-tokens';
