import { userInfo } from 'node:os';

/** The audit actor when a change names none: the OS user running the process. */
export function defaultActor(): string {
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
