/**
 * Bundled by esbuild and run in headless Chromium: the real @openfeature/web-sdk with the OFREP web provider.
 * The web SDK holds one context at a time, so each context is set (the provider fetches the bulk endpoint
 * with it) and then every flag is read from what that fetch returned.
 */
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { type EvaluationContext, type EvaluationDetails, type FlagValue, type JsonValue, OpenFeature } from '@openfeature/web-sdk';

export type WebFlagType = 'boolean' | 'string' | 'number' | 'object';

export interface WebParityInput {
  baseUrl: string;
  contexts: EvaluationContext[];
  flags: Array<{ key: string; type: WebFlagType }>;
  defaults: Record<WebFlagType, FlagValue>;
}

/** One row per context, one details object per flag, in the order of `flags`. */
export type WebParityOutput = Array<Array<EvaluationDetails<FlagValue>>>;

async function evaluateInBrowser(input: WebParityInput): Promise<WebParityOutput> {
  const client = OpenFeature.getClient('ofrep-web-parity');
  await OpenFeature.setContext('ofrep-web-parity', input.contexts[0] ?? {});
  await OpenFeature.setProviderAndWait(
    'ofrep-web-parity',
    new OFREPWebProvider({ baseUrl: input.baseUrl, cacheMode: 'disabled', changeDetection: 'none', disableVisibilityRefresh: true }),
  );
  const rows: WebParityOutput = [];
  for (const context of input.contexts) {
    await OpenFeature.setContext('ofrep-web-parity', context);
    rows.push(input.flags.map(({ key, type }) => read(client, key, type, input.defaults)));
  }
  await OpenFeature.close();
  return rows;
}

function read(
  client: ReturnType<typeof OpenFeature.getClient>,
  key: string,
  type: WebFlagType,
  defaults: WebParityInput['defaults'],
): EvaluationDetails<FlagValue> {
  if (type === 'boolean') return client.getBooleanDetails(key, defaults.boolean as boolean);
  if (type === 'string') return client.getStringDetails(key, defaults.string as string);
  if (type === 'number') return client.getNumberDetails(key, defaults.number as number);
  return client.getObjectDetails(key, defaults.object as JsonValue);
}

(globalThis as { ofrepWebParity?: typeof evaluateInBrowser }).ofrepWebParity = evaluateInBrowser;
