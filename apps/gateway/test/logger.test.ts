import { describe, expect, it } from 'vitest';
import { capturedLogger } from './support/logs.js';

describe('logger', () => {
  it('redacts credentials wherever they sit in a log line', () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer tok-1', cookie: 'sid=cookie-1', 'user-agent': 'curl/8' } },
        res: { headers: { 'set-cookie': 'sid=cookie-2' } },
        headers: { authorization: 'Basic auth-1' },
        token: 'tok-2',
        invite: { token: 'tok-3' },
        client: { clientSecret: 'secret-1' },
        user: { email: 'a@example.com', password: 'pw-1' },
        err: { message: 'duplicate key', parameters: ['hash-1'] },
      },
      'something happened',
    );
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/tok-\d|cookie-\d|auth-1|secret-1|pw-1|hash-1/);
    expect(text).toContain('curl/8');
    expect(text).toContain('a@example.com');
  });
});
