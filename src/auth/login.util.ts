import type { Request } from 'express';
import type { SessionUser } from './session-user';

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error('passport session error'));

/** passport's req.logIn/logOut as promises (both regenerate the session, preventing fixation). */
export const logIn = (req: Request, user: SessionUser) =>
  new Promise<void>((resolve, reject) => req.logIn(user, (err) => (err ? reject(asError(err)) : resolve())));

export const logOut = (req: Request) =>
  new Promise<void>((resolve, reject) => req.logOut((err) => (err ? reject(asError(err)) : resolve())));
