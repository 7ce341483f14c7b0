// The service's configuration: one loader, one table of settings and their defaults.
export { CONFIG_FIELDS } from './config-fields.js';
export type { ConfigField, ConfigKey, FlatConfig } from './config-fields.js';
export { loadServiceConfig } from './load-service-config.js';
export type { ConfigOverrides } from './load-service-config.js';
export type { ServiceConfig } from './service-config.js';
