// The gateway's Mailer: SMTP through nodemailer when SMTP_URL is set (against a minimal SMTP server
// here), else a log line naming the message and recipient — never the link inside.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MailMessage } from '@gatehouse/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer } from '../src/mail.js';
import { capturedLogger } from './support/logs.js';

const TOKEN = 'ghl_secret-token-that-must-not-be-logged';
const message: MailMessage = {
  id: 'msg-1',
  tenantId: 't1',
  to: 'ada@example.test',
  from: '"Acme IT" <it@acme.example>',
  subject: 'Your sign-in link',
  text: `Sign in: https://gh.test/sign-in/verify#token=${TOKEN}`,
  template: 'sign_in_link',
};

/** Just enough SMTP (RFC 5321) to accept one message: greeting, EHLO, MAIL, RCPT, DATA, QUIT. */
function smtpServer(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let inData = false;
    let data = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push(data);
            data = '';
            socket.write('250 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET') socket.write('250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else if (line) socket.write('502 unknown\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, received }),
    ),
  );
}

describe('mailer', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('without SMTP_URL, mail stays in the outbox and the log names it without its link', async () => {
    const { logger, lines } = capturedLogger();
    const mailer = createMailer({ smtpUrl: undefined }, logger);
    expect(mailer.transport).toBe('outbox');
    await mailer.deliver(message);
    const line = lines().find((l) => l.messageId === 'msg-1');
    expect(line).toMatchObject({ level: 30, to: 'ada@example.test', template: 'sign_in_link' });
    expect(JSON.stringify(lines())).not.toContain(TOKEN);
  });

  it('with SMTP_URL, the message goes to the relay with the branding’s sender', async () => {
    const smtp = await smtpServer();
    server = smtp.server;
    const { logger, lines } = capturedLogger();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` }, logger);
    expect(mailer.transport).toBe('smtp');
    await mailer.deliver(message);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatch(/^From: "?Acme IT"? <it@acme\.example>$/m);
    expect(smtp.received[0]).toMatch(/^To: ada@example\.test$/m);
    // quoted-printable: soft line breaks are `=` at the end of a line
    expect(smtp.received[0]?.replace(/=\n/g, '')).toContain(TOKEN);
    expect(JSON.stringify(lines())).not.toContain(TOKEN);
  });

  it('an unreachable relay fails the delivery (the domain records the error on the outbox row)', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1' });
    await expect(mailer.deliver(message)).rejects.toThrow();
  });
});
