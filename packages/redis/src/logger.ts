/** Where the stores report problems they recover from (rejected state, lost connection, dropped metrics). */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  error: (message) => console.error(message),
  warn: (message) => console.warn(message),
};
