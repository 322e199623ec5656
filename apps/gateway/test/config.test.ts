import { DEFAULT_SQLITE_PATH } from '@gatehouse/domain';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeDatabase, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('an empty environment gives a local SQLite gateway on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      publicUrl: 'http://127.0.0.1:3000',
      trustProxy: false,
      logLevel: 'info',
      bodyLimit: '1mb',
    });
    expect(config.adminDistDir).toBe(resolve(import.meta.dirname, '../../admin/dist'));
  });

  it('the public URL follows HOST and PORT unless PUBLIC_URL is set, without a trailing slash', () => {
    expect(loadConfig({ HOST: '::1', PORT: '8080' }).publicUrl).toBe('http://[::1]:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://gatehouse.example.com/' }).publicUrl).toBe(
      'https://gatehouse.example.com',
    );
  });

  it.each([
    ['abc', 'PORT'],
    ['70000', 'PORT'],
    ['3000.5', 'PORT'],
  ])('PORT=%s is rejected with an error naming %s', (value, name) => {
    expect(() => loadConfig({ PORT: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: value })).toThrow(new RegExp(`${name}: `));
  });

  it('every bad variable is reported at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', PUBLIC_URL: 'ftp://x' })).toThrow(
      /PORT: .*\n.*PUBLIC_URL: .*\n.*LOG_LEVEL: /,
    );
  });

  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    ['192.168.0.1/255.255.255.0', ['192.168.0.1/255.255.255.0']],
  ])('TRUST_PROXY=%o means %o', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/9'])('TRUST_PROXY=%s is rejected', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: /);
  });
});

describe('describeDatabase', () => {
  it('names the SQLite file that will be opened', () => {
    expect(describeDatabase(undefined)).toBe(`sqlite ${resolve(DEFAULT_SQLITE_PATH)}`);
    expect(describeDatabase('sqlite:/var/lib/gatehouse.db')).toBe('sqlite /var/lib/gatehouse.db');
  });

  it('never shows a PostgreSQL password', () => {
    const described = describeDatabase('postgres://gh:s3cret@db.internal:5432/gatehouse?password=s3cret2');
    expect(described).toMatch(/^postgres postgres:\/\/gh:\*\*\*@db\.internal:5432\/gatehouse/);
    expect(described).not.toMatch(/s3cret/);
  });
});
