import type { Worker } from 'bullmq';
import { announceJobAdded, wakeOnJobAdded } from '../../../src/queue/embedded-wake';

/** A worker as BullMQ 6.7's PostgreSQL backend has it: the running wait's canceller on `backend.cancelWait`. */
function fakeWorker(name: string) {
  const cancelWait = jest.fn();
  return { worker: { name, backend: { cancelWait } } as unknown as Worker, cancelWait };
}

describe('embedded wake: a job added in this process ends the worker wait at once', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const embedded = () => Object.assign(process.env, { KT_MODE: 'embedded', DATABASE_URL: 'postgres://postgres@127.0.0.1:5499/postgres' });

  it('wakes the worker of that queue only, until unsubscribed', () => {
    embedded();
    const mail = fakeWorker('mail');
    const matching = fakeWorker('matching');
    const stopMail = wakeOnJobAdded(() => mail.worker);
    const stopMatching = wakeOnJobAdded(() => matching.worker);
    announceJobAdded('mail');
    expect(mail.cancelWait).toHaveBeenCalledTimes(1);
    expect(matching.cancelWait).not.toHaveBeenCalled();
    stopMail();
    announceJobAdded('mail');
    expect(mail.cancelWait).toHaveBeenCalledTimes(1);
    stopMatching();
  });

  it('does nothing on the servers (Redis wakes the workers itself)', () => {
    Object.assign(process.env, { KT_MODE: 'servers' });
    const mail = fakeWorker('mail');
    const stop = wakeOnJobAdded(() => mail.worker);
    announceJobAdded('mail');
    expect(mail.cancelWait).not.toHaveBeenCalled();
    stop();
  });

  it('tolerates a worker not started yet', () => {
    embedded();
    const stop = wakeOnJobAdded(() => undefined);
    expect(() => announceJobAdded('mail')).not.toThrow();
    stop();
  });
});
