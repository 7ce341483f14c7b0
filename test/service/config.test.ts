import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, loadServiceConfig } from '../../src/config/index.js';
import { DEFAULT_LIMITS, ValidationError } from '../../src/index.js';

function refusal(env: Record<string, string>): ValidationError {
  try {
    loadServiceConfig(env);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('loadServiceConfig', () => {
  it('defaults to PGlite in ./data on port 3000 with no TTL and no history limit', () => {
    const config = loadServiceConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: null,
      redisUrl: null,
      schema: 'convstore',
      conversationTtl: null,
      maxConversationHistory: null,
      adminToken: null,
      cleanupIntervalSeconds: 3600,
      migrate: true,
      docs: true,
      console: true,
      limits: DEFAULT_LIMITS,
    });
  });

  it('reads every setting from its environment variable', () => {
    const config = loadServiceConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://db/app',
      CONVERSATION_TTL: '86400',
      MAX_CONVERSATION_HISTORY: '50',
      CONVSTORE_MIGRATE: 'false',
      DOCS_ENABLED: 'no',
      CONSOLE_ENABLED: 'false',
      MAX_CONTENT_BYTES: '1000',
      CLEANUP_INTERVAL: '0',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://db/app',
      conversationTtl: 86_400,
      maxConversationHistory: 50,
      migrate: false,
      docs: false,
      console: false,
      cleanupIntervalSeconds: 0,
      logLevel: 'warn',
    });
    expect(config.limits.maxContentBytes).toBe(1000);
  });

  it('treats 0 and empty as "no limit" for CONVERSATION_TTL and MAX_CONVERSATION_HISTORY', () => {
    expect(
      loadServiceConfig({ CONVERSATION_TTL: '0', MAX_CONVERSATION_HISTORY: '' }),
    ).toMatchObject({ conversationTtl: null, maxConversationHistory: null });
  });

  it('lets overrides (the CLI flags) win over the environment', () => {
    const config = loadServiceConfig({ PORT: '8080', LOG_LEVEL: 'warn' }, { port: 9090 });
    expect(config.port).toBe(9090);
    expect(config.logLevel).toBe('warn');
  });

  it('refuses bad values, naming each variable and the rule', () => {
    const error = refusal({
      PORT: '70000',
      DATABASE_URL: 'mysql://db',
      CONVSTORE_SCHEMA: 'Bad-Name',
      LOG_LEVEL: 'loud',
      CONVSTORE_MIGRATE: 'maybe',
      JWT_SECRET: 'short',
    });
    expect(error.issues.map((issue) => issue.field)).toEqual([
      'PORT',
      'DATABASE_URL',
      'CONVSTORE_SCHEMA',
      'CONVSTORE_MIGRATE',
      'JWT_SECRET',
      'LOG_LEVEL',
    ]);
    expect(error.message).toContain('PORT: must be at most 65535');
    expect(error.message).toContain('DATABASE_URL: must start with postgres://');
    expect(error.message).toContain('JWT_SECRET: must be at least 32 characters');
  });

  it('documents every setting with a variable, a default and a description', () => {
    const names = CONFIG_FIELDS.map((field) => field.env);
    expect(new Set(names).size).toBe(names.length);
    for (const field of CONFIG_FIELDS) {
      expect(field.doc.length, field.env).toBeGreaterThan(10);
      // Every default is itself a valid value.
      expect(field.schema.safeParse(field.default).success, field.env).toBe(true);
    }
  });

  it('.env.example lists every setting with its default', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const listed = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(listed).toEqual(
      Object.fromEntries(CONFIG_FIELDS.map((field) => [field.env, field.default])),
    );
  });
});
