import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_AUTH_RATE_LIMIT, loadConfig } from '../src/config.js';

describe('sign-in configuration', () => {
  it('mail stays in the outbox and /auth gets generous limits when nothing is set', () => {
    const config = loadConfig({});
    expect(config.smtpUrl).toBeUndefined();
    expect(config.authRateLimit).toEqual(DEFAULT_AUTH_RATE_LIMIT);
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
  ])('%s=%s is refused, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
