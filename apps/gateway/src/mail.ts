// The gateway's side of the domain's Mailer: SMTP through nodemailer when SMTP_URL is set, otherwise
// mail stays in the outbox table and one log line says so — with the message id and recipient only,
// never the body, which carries sign-in and invitation links.
import type { Mailer } from '@gatehouse/domain';
import nodemailer from 'nodemailer';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export function createMailer(config: Pick<Config, 'smtpUrl'>, logger?: Logger): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      transport: 'smtp',
      deliver: async (message) => {
        await transport.sendMail({
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: `<${message.id}@gatehouse>`,
        });
        logger?.info({ messageId: message.id, to: message.to, template: message.template }, 'Mail sent');
      },
    };
  }
  return {
    transport: 'outbox',
    deliver: async (message) => {
      logger?.info(
        { messageId: message.id, to: message.to, template: message.template },
        'Mail kept in the outbox (set SMTP_URL to send it); owners can read it in the admin console',
      );
    },
  };
}
