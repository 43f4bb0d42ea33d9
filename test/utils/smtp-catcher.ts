import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for';

/** A real SMTP server in the test process; every message is parsed and kept for assertions. */
export class SmtpCatcher {
  readonly mails: ParsedMail[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream).then((m) => {
        this.mails.push(m);
        callback();
      }, callback);
    },
  });
  port = 0;

  /** Port 0 picks a free one; a given port lets a test bring "the same" server back after stopping it. */
  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first mail that matches; throws (listing the subjects that did arrive) when none comes in time. */
  waitFor(match: (m: ParsedMail) => boolean, timeoutMs = 30_000): Promise<ParsedMail> {
    return waitFor(() => this.mails.find(match), {
      timeoutMs,
      what: 'a matching mail',
    }).catch((err: Error) => {
      throw new Error(`${err.message}; received by then: ${this.mails.map((m) => m.subject).join(' | ') || 'none'}`);
    });
  }

  to(address: string) {
    return this.mails.filter((m) => [m.to].flat().some((t) => t?.text.includes(address)));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
