import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_AUTH_RATE_LIMIT, DEFAULT_SCIM_SETTINGS, loadConfig } from '../src/config.js';

describe('sign-in configuration', () => {
  it('mail stays in the outbox and /auth gets generous limits when nothing is set', () => {
    const config = loadConfig({});
    expect(config.smtpUrl).toBeUndefined();
    expect(config.authRateLimit).toEqual(DEFAULT_AUTH_RATE_LIMIT);
    expect(config.scim).toEqual(DEFAULT_SCIM_SETTINGS);
  });

  it('reads the SCIM rate limit and the provisioning log’s retention', () => {
    const config = loadConfig({ SCIM_RATE_LIMIT_PER_MINUTE: '600', SCIM_LOG_RETENTION_DAYS: '7' });
    expect(config.scim).toEqual({ rateLimitPerMinute: 600, logRetentionDays: 7 });
  });

  it('reads SMTP_URL and the /auth rate limits', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      AUTH_RATE_LIMIT_WINDOW_SECONDS: '60',
      AUTH_RATE_LIMIT_PER_IP: '100',
      AUTH_RATE_LIMIT_PER_EMAIL: '5',
    });
    expect(config.smtpUrl).toBe('smtps://user:pass@smtp.example.com:465');
    expect(config.authRateLimit).toEqual({ windowSeconds: 60, perIp: 100, perEmail: 5 });
  });

  it.each([
    ['SMTP_URL', 'http://smtp.example.com'],
    ['AUTH_RATE_LIMIT_PER_IP', '0'],
    ['AUTH_RATE_LIMIT_PER_EMAIL', 'many'],
    ['AUTH_RATE_LIMIT_WINDOW_SECONDS', '1.5'],
    ['SCIM_RATE_LIMIT_PER_MINUTE', '0'],
    ['SCIM_LOG_RETENTION_DAYS', 'forever'],
  ])('%s=%s is refused, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
