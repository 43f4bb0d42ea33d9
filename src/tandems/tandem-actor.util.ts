import { isOffice, type SessionUser } from '../auth/session-user';
import type { TandemActor } from './core/tandem-transitions.util';
import { TandemErrors } from './tandem-errors';
import type { TandemRow } from './tandem.repository';

/** Which side of the tandem `user` acts for; someone else's tandem is "not found" (its existence is not revealed). */
export function actorOf(user: SessionUser, t: Pick<TandemRow, 'townA' | 'townB'>): TandemActor {
  if (user.townId && user.townId === t.townA) return 'requester';
  if (user.townId && user.townId === t.townB) return 'partner';
  if (isOffice(user)) return 'office';
  throw TandemErrors.tandemNotFound();
}
