/** What an account may do: the `user_role` column holds exactly these values (users.repository.ts checks it). */
export type UserRole = 'customer' | 'admin';

/** An account as the service hands it out: never with its password hash. */
export interface User {
  id: string;
  /** As typed at registration (trimmed); unique in any case. */
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date;
  updatedAt: Date;
}

/** What a login checks: the hash the password is verified against, and what the token says. */
export interface UserCredentials {
  id: string;
  role: UserRole;
  /** argon2id, see password-hasher.ts. */
  passwordHash: string;
}

/** An account to create, its password already hashed. */
export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
}
