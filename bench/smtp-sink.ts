import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// A local SMTP server in its own process for bench:digest: accepts everything, keeps nothing, counts messages
// and remembers when the last one was accepted and to which distinct recipients (each contact gets one digest, so
// fewer distinct recipients than messages means a digest went out twice). Talks to the parent over IPC (fork).
let count = 0;
let lastAt = 0;
const recipients = new Set<string>();
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 100,
  onData(stream, session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      count++;
      for (const r of session.envelope.rcptTo) recipients.add(r.address);
      lastAt = Date.now();
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.server.address() as AddressInfo).port });
});

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'stats') process.send!({ count, lastAt, distinct: recipients.size });
  if (msg.cmd === 'reset') {
    count = 0;
    lastAt = 0;
    recipients.clear();
    process.send!({ reset: true });
  }
  if (msg.cmd === 'stop') server.close(() => process.exit(0));
});
