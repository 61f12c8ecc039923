import { Controller, Get, Header, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Public } from '../common/api-key.guard';
import { OidcTokenVerifier } from '../common/oidc-token.verifier';

export interface StudioConfig {
  /** single sign-on for the studio (Authorization Code + PKCE with a public client); null: API keys only */
  oidc: {
    issuer: string;
    clientId: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    scope: string;
  } | null;
}

/** What the studio needs to know before anyone has signed in: whether and where single sign-on happens. */
@Controller('v1/studio')
export class StudioConfigController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: OidcTokenVerifier,
  ) {}

  @Public()
  @Get('config')
  @Header('Cache-Control', 'no-store')
  async get(): Promise<StudioConfig> {
    const oidc = this.config.oidc;
    if (!oidc) return { oidc: null };
    // 503 AUTH.PROVIDER_UNAVAILABLE while the issuer cannot be reached: the studio still offers API keys.
    const endpoints = await this.tokens.signInEndpoints();
    if (!endpoints?.authorizationEndpoint || !endpoints.tokenEndpoint) return { oidc: null };
    return {
      oidc: {
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        authorizationEndpoint: endpoints.authorizationEndpoint,
        tokenEndpoint: endpoints.tokenEndpoint,
        scope: 'openid',
      },
    };
  }
}
