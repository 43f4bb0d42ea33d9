import { UserRole } from './user-account.entity';

// What the session carries after deserialisation (read fresh from the database on every request).
export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  displayName: string;
  townId: string | null;
}

export const isOffice = (u: SessionUser | undefined) => u?.role === 'office' || u?.role === 'admin';
