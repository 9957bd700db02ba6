import { userInfo } from 'node:os';

/** The name recorded in the audit log when a change names no actor: the OS user running the process. */
export function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
