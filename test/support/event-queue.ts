import { ProviderEvents, type Client, type EventDetails } from '@openfeature/server-sdk';

export interface RecordedEvent {
  type: ProviderEvents;
  details: EventDetails;
}

/** Records a client's provider events and lets a test wait for the next one of a type. */
export class EventQueue {
  readonly events: RecordedEvent[] = [];
  private waiters: Array<{ type: ProviderEvents; resolve: (e: RecordedEvent) => void }> = [];

  constructor(client: Client) {
    for (const type of [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.ConfigurationChanged, ProviderEvents.Stale]) {
      client.addHandler(type, (details) => this.push({ type, details: details as EventDetails }));
    }
  }

  /** Resolves with the next event of `type` recorded after this call; rejects after `ms`. */
  next(type: ProviderEvents, ms = 3000): Promise<RecordedEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
      this.waiters.push({
        type,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  private push(event: RecordedEvent): void {
    this.events.push(event);
    const ready = this.waiters.filter((w) => w.type === event.type);
    this.waiters = this.waiters.filter((w) => w.type !== event.type);
    for (const w of ready) w.resolve(event);
  }
}
