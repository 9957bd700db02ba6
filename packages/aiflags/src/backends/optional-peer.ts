/**
 * Imports a vendor SDK (an optional peer) for the backend that needs it. When it is not installed, the
 * error is one line saying what to install instead of a module-resolution stack.
 */
export async function importOptionalPeer<T>(load: () => Promise<T>, backend: string, sdk: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(sdk)) {
      throw new Error(`AIFLAGS_BACKEND=${backend} needs ${sdk}, which is not installed: npm install ${sdk}`);
    }
    throw error;
  }
}
