// The settings of convstore: one table (service, store, cache, jobs, CLI) and its loaders.
export { CONFIG_FIELDS, SETTINGS, SETTING_COMMANDS } from './config-fields.js';
export type {
  ConfigField,
  ConfigKey,
  FlatConfig,
  Setting,
  SettingCommand,
  SettingKey,
  SettingValue,
} from './config-fields.js';
export { loadServiceConfig, toServiceConfig } from './load-service-config.js';
export type { ConfigOverrides } from './load-service-config.js';
export { resolveSettings, settingsOf } from './resolve-settings.js';
export type { CommandValues, ResolvedUse } from './resolve-settings.js';
export type { ServiceConfig } from './service-config.js';
