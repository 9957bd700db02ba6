import { userInfo } from 'node:os';

/** The name recorded in the audit log when a change names no actor: the OS user running the process. */
export function defaultActor(): string {
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
