// The identity shapes the web app reads (docs/identity.md).

export type Role = 'user' | 'admin';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

/** Answer of login and refresh (the refresh token itself travels in the httpOnly cookie). */
export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}
