/** A billed job at a provider, as the row records it: enough to poll, resume or cancel it after a restart. */
export interface ProviderJobRecord {
  provider: string;
  id: string;
  endpoint: string;
  model: string;
  createdAt: string;
}

/**
 * A create that was about to be sent to a provider, as the row records it before sending: a restart
 * that finds it without a ProviderJobRecord looks for the job among the provider's own instead of
 * creating (and paying for) another.
 */
export interface ProviderIntentRecord {
  provider: string;
  endpoint: string;
  model: string;
  at: string;
  fingerprint: string;
}
