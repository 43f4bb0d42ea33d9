import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process; every message is parsed and kept for assertions. */
export class SmtpCatcher {
  readonly mails: ParsedMail[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream).then((m) => { this.mails.push(m); callback(); }, callback);
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

  async waitFor(match: (m: ParsedMail) => boolean, timeoutMs = 15_000): Promise<ParsedMail> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`No matching mail within ${timeoutMs} ms; got: ${this.mails.map((m) => m.subject).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  to(address: string) {
    return this.mails.filter((m) => [m.to].flat().some((t) => t?.text.includes(address)));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
