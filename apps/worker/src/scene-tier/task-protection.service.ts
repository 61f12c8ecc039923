import { Logger, type OnApplicationShutdown } from '@nestjs/common';

export interface TaskProtectionOptions {
  /** how long one grant lasts if this process dies without releasing it (ECS allows 1–2880) */
  expiresInMinutes?: number;
  /** renewed this often while held, so a long scene never outlives its grant */
  renewEveryMs?: number;
  /** a failed call is tried again this much later while the wanted state still differs */
  retryMs?: number;
}

const REQUEST_TIMEOUT_MS = 5_000;

/**
 * ECS task scale-in protection, held while a scene holds a generation slot: when the service
 * scales in on a falling backlog, ECS stops idle tasks and leaves this one to finish its scene
 * (a paid generation). Set through the ECS agent's endpoint in the task (`ECS_AGENT_URI`, present
 * in every ECS task; the task role needs ecs:UpdateTaskProtection); outside ECS it does nothing.
 * Calls are made one at a time and only for a change of the wanted state, so slots turning busy
 * and idle in a burst cost one call, not one per scene.
 */
export class TaskProtection implements OnApplicationShutdown {
  private readonly logger = new Logger(TaskProtection.name);
  private readonly expiresInMinutes: number;
  private readonly renewEveryMs: number;
  private readonly retryMs: number;
  private wanted = false;
  /** what the agent last accepted */
  private held = false;
  private heldSince = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly agentUri: string | null,
    options: TaskProtectionOptions = {},
  ) {
    this.expiresInMinutes = options.expiresInMinutes ?? 60;
    this.renewEveryMs = options.renewEveryMs ?? (this.expiresInMinutes * 60_000) / 3;
    this.retryMs = options.retryMs ?? 15_000;
  }

  get enabled(): boolean {
    return this.agentUri !== null;
  }

  /** The slot pool's report: protect while any slot is busy, release when all are idle. */
  busySlotsChanged(busy: number): void {
    if (!this.enabled || this.closed) return;
    this.wanted = busy > 0;
    void this.sync();
  }

  /** Resolves once every change asked for so far has been sent (or has failed and been logged). */
  settled(): Promise<void> {
    return this.chain;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.enabled) return;
    this.wanted = false;
    this.closed = true;
    await this.sync();
    this.clearTimer();
  }

  private sync(): Promise<void> {
    this.chain = this.chain.then(() => this.apply());
    return this.chain;
  }

  private async apply(): Promise<void> {
    const heldFor = Date.now() - this.heldSince;
    const renewDue = this.held && this.wanted && heldFor >= this.renewEveryMs;
    if (this.wanted === this.held && !renewDue) {
      // A timer may fire a little before the wall clock says the period is over: keep the renewal
      // armed for what is left, or the grant would lapse in the middle of a long scene.
      if (this.held && !this.closed) this.arm(this.renewEveryMs - heldFor);
      return;
    }
    const enable = this.wanted;
    try {
      await this.put(enable);
      this.held = enable;
      this.heldSince = Date.now();
      this.logger.log(enable ? `scale-in protection on for ${this.expiresInMinutes} min` : 'scale-in protection off');
    } catch (error) {
      this.logger.warn(`could not turn scale-in protection ${enable ? 'on' : 'off'}: ${(error as Error).message}`);
    }
    this.schedule();
  }

  /** While protected: renew before the grant lapses; after a failure: try again. */
  private schedule(): void {
    this.clearTimer();
    if (this.closed) return;
    const delay = this.wanted !== this.held ? this.retryMs : this.held ? this.renewEveryMs : null;
    if (delay !== null) this.arm(delay);
  }

  private arm(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => void this.sync(), Math.max(1, delayMs));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async put(enable: boolean): Promise<void> {
    const response = await fetch(`${this.agentUri!.replace(/\/+$/, '')}/task-protection/v1/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        enable ? { ProtectionEnabled: true, ExpiresInMinutes: this.expiresInMinutes } : { ProtectionEnabled: false },
      ),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    // The agent answers 200 with {protection} on success and {failure} or {error} otherwise.
    const body = (text ? JSON.parse(text) : {}) as { protection?: unknown; failure?: unknown; error?: unknown };
    if (!response.ok || body.failure || body.error || !body.protection) {
      throw new Error(`agent answered ${response.status}: ${text.slice(0, 300)}`);
    }
  }
}
