/** A billed job at a provider, as the row records it: enough to poll, resume or cancel it after a restart. */
export interface ProviderJobRecord {
  provider: string;
  id: string;
  endpoint: string;
  model: string;
  createdAt: string;
}
