import type { Request } from 'express';
import type { SessionUser } from './session-user';

/** passport's req.logIn/logOut as promises (both regenerate the session, preventing fixation). */
export const logIn = (req: Request, user: SessionUser) =>
  new Promise<void>((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));

export const logOut = (req: Request) =>
  new Promise<void>((resolve, reject) => req.logOut((err) => (err ? reject(err) : resolve())));
