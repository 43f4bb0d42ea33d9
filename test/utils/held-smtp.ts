import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

interface Held {
  remotePort: number;
  recipients: string[];
  accept(): void;
}

/**
 * An SMTP server that counts the messages it accepted per recipient and, past `holdAfter`, holds each new message
 * unanswered after its data arrived. A held message is delivered only when the test releases it (release()); one
 * whose client dies meanwhile was never accepted, so its sender must send it again. That keeps a killed worker out of
 * the window "server accepted, row not yet marked sent", which no design closes.
 */
export class HeldSmtp {
  readonly accepted = new Map<string, number>();
  holdAfter = Infinity;
  private held: Held[] = [];
  private total = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const accept = () => {
          this.total++;
          for (const r of recipients) this.accepted.set(r, (this.accepted.get(r) ?? 0) + 1);
          callback();
        };
        if (this.total + this.held.length >= this.holdAfter) this.held.push({ remotePort: session.remotePort, recipients, accept });
        else accept();
      });
    },
  });
  port = 0;

  async start(): Promise<this> {
    // A killed client's held connection ends with ECONNRESET: expected, not a failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Messages accepted so far. */
  get count(): number {
    return this.total;
  }

  /** Client ports of the connections whose message is held right now. */
  heldPorts(): number[] {
    return this.held.map((h) => h.remotePort);
  }

  /**
   * Stops holding: accepts the held messages whose connection `keep` says is alive, drops the others unanswered (their
   * client is gone); returns how many were dropped.
   */
  release(keep: (remotePort: number) => boolean): number {
    this.holdAfter = Infinity;
    const held = this.held;
    this.held = [];
    for (const h of held) if (keep(h.remotePort)) h.accept();
    return held.filter((h) => !keep(h.remotePort)).length;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
